import { randomBytes } from 'node:crypto';
import { redactUrl } from '@agent-bridge/config';
import { AgentRepository, hashPassword, type AgentRole } from '@agent-bridge/console';
import { createDataSource, runMigrations } from '@agent-bridge/persistence';

// The bridge's default (libs/config): the CLI reads DATABASE_URL alone, so an admin can be created
// before the Kore credentials and the rest of the service's settings exist.
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/agent_bridge';

/** DATABASE_URL, checked as the bridge checks it; exits 78 (configuration error) when it is not a Postgres URL. */
function databaseUrl(): string {
  const raw = process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
  let protocol: string | null = null;
  try {
    protocol = new URL(raw).protocol;
  } catch {
    // not a URL: reported below
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    console.error(`DATABASE_URL must be a postgres: or postgresql: URL (got "${redactUrl(raw)}")`);
    process.exit(78);
  }
  return raw;
}

/**
 * `npm run console:create-admin -- --email a@b.c --name "Ada"` creates the first admin (or, with
 * `--role agent|supervisor`, any agent). The password comes from CONSOLE_PASSWORD, else a random
 * one is printed once. Only DATABASE_URL is read from the environment.
 */
async function main(): Promise<void> {
  const args = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) args.set(argv[i]!.replace(/^--/, ''), argv[i + 1] ?? '');
  const email = args.get('email');
  const role = args.get('role') ?? 'admin';
  const maxChats = Number(args.get('max-chats') ?? 3);
  if (!email || !/^[^@\s]+@[^@\s]+$/.test(email) || !isRole(role) || !Number.isInteger(maxChats)) {
    console.error('usage: npm run console:create-admin -- --email you@example.com [--name "Your Name"] [--role admin|supervisor|agent] [--max-chats 3]');
    process.exit(64);
  }
  const name = args.get('name') ?? email;
  const url = databaseUrl();
  await runMigrations(url);
  const given = process.env.CONSOLE_PASSWORD;
  const password = given ?? randomBytes(12).toString('base64url');
  const db = createDataSource({ url, poolSize: 1 });
  await db.initialize();
  const agents = new AgentRepository(db);
  const exists = (): void => {
    console.error(`an agent with the email ${email} exists already`);
    process.exitCode = 1;
  };
  try {
    if (await agents.findByEmail(email)) return exists();
    await agents.create({ email, name, role, passwordHash: await hashPassword(password), maxChats });
  } catch (error) {
    // Created by someone else since the check (the unique index on lower(email)).
    if ((error as { code?: string }).code === '23505') return exists();
    throw error;
  } finally {
    await db.destroy();
  }
  console.log(`created ${role} ${email}${given ? '' : `; password (shown once): ${password}`}`);
}

function isRole(role: string): role is AgentRole {
  return role === 'agent' || role === 'supervisor' || role === 'admin';
}

main().catch((error: unknown) => {
  console.error(`creating the agent failed: ${(error as Error).message}`);
  process.exit(1);
});
