import 'reflect-metadata';
import { loadConfigOrExit, redactUrl, stopGracefully } from '@agent-bridge/config';
import { runMigrations } from '@agent-bridge/persistence';
import { createBridgeApp } from './bridge-app.factory';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const { applied } = await runMigrations(config.database.url);
  console.log(
    `database ${redactUrl(config.database.url)}: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}`,
  );
  const app = await createBridgeApp(config);
  await app.listen({ port: config.port, host: '0.0.0.0' });
  stopGracefully(() => app.close(), 'agent-bridge', config.stopTimeoutSeconds);
  console.log(
    `agent-bridge listening on ${config.port}: BotKit callback URL ${config.publicUrl}${config.kore.apiPrefix}` +
      ` (workers ${config.workers.enabled ? 'on' : 'off'})`,
  );
}

main().catch((error: unknown) => {
  console.error(`agent-bridge failed to start: ${(error as Error).message}`);
  process.exit(1);
});
