import { randomBytes } from 'node:crypto';
import { loadConfigOrExit } from '@agent-bridge/config';
import { hashPassword } from '@agent-bridge/console';
import { createDataSource, runMigrations } from '@agent-bridge/persistence';

/**
 * `npm run console:create-admin -- --email a@b.c --name "Ada"` creates the first admin (or, with
 * `--role agent|supervisor`, any agent). The password comes from CONSOLE_PASSWORD, else a random
 * one is printed once.
 */
async function main(): Promise<void> {
  const args = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) args.set(argv[i]!.replace(/^--/, ''), argv[i + 1] ?? '');
  const email = args.get('email');
  const name = args.get('name') ?? email;
  const role = args.get('role') ?? 'admin';
  const maxChats = Number(args.get('max-chats') ?? 3);
  if (!email || !/^[^@\s]+@[^@\s]+$/.test(email) || !['agent', 'supervisor', 'admin'].includes(role) || !Number.isInteger(maxChats)) {
    console.error('usage: npm run console:create-admin -- --email you@example.com [--name "Your Name"] [--role admin|supervisor|agent] [--max-chats 3]');
    process.exit(64);
  }
  const config = loadConfigOrExit();
  await runMigrations(config.database.url);
  const given = process.env.CONSOLE_PASSWORD;
  const password = given ?? randomBytes(12).toString('base64url');
  const db = createDataSource({ url: config.database.url, poolSize: 1 });
  await db.initialize();
  try {
    await db.query(`INSERT INTO agents (email, name, role, password_hash, max_chats) VALUES ($1, $2, $3, $4, $5)`, [
      email,
      name,
      role,
      await hashPassword(password),
      maxChats,
    ]);
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      console.error(`an agent with the email ${email} exists already`);
      process.exit(1);
    }
    throw error;
  } finally {
    await db.destroy();
  }
  console.log(`created ${role} ${email}${given ? '' : `; password (shown once): ${password}`}`);
}

main().catch((error: unknown) => {
  console.error(`creating the agent failed: ${(error as Error).message}`);
  process.exit(1);
});
