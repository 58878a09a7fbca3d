import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig, BotCredentials } from '@agent-bridge/config';
import type { BridgeOptions } from '../apps/bridge/src/bridge.module';
import { createBridgeApp } from '../apps/bridge/src/bridge-app.factory';
import { PlatformSim, type SimBot } from '../apps/platform-sim/src';

export interface RunningBridge {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

/** Starts the bridge in this process on a random loopback port (real HTTP, real Redis/Postgres). */
export async function startBridge(config: AppConfig, options: BridgeOptions = {}, port = 0): Promise<RunningBridge> {
  const app = await createBridgeApp(config, options);
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const bound = typeof address === 'object' && address ? address.port : 0;
  return { app, url: `http://127.0.0.1:${bound}`, close: () => app.close() };
}

export function simBot(botId: string, creds: BotCredentials): SimBot {
  return { botId, clientId: creds.clientId, clientSecret: creds.clientSecret, jwtAlgorithm: creds.jwtAlgorithm };
}

export async function startSim(bridgeUrl: string, bots: SimBot[]): Promise<PlatformSim> {
  const sim = new PlatformSim({ bridgeUrl, bots, port: 0 });
  await sim.start();
  return sim;
}
