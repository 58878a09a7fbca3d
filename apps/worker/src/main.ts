import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit, stopGracefully } from '@agent-bridge/config';
import { runMigrations } from '@agent-bridge/persistence';
import { createPino, PinoLoggerService } from '@agent-bridge/observability';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  await runMigrations(config.database.url);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: new PinoLoggerService(createPino(config.logLevel)) });
  stopGracefully(() => app.close(), 'agent-bridge worker', config.stopTimeoutSeconds);
  console.log('agent-bridge worker running');
}

main().catch((error: unknown) => {
  console.error(`agent-bridge worker failed to start: ${(error as Error).message}`);
  process.exit(1);
});
