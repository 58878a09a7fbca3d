import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@agent-bridge/config';
import { RedisIoAdapter } from '@agent-bridge/console';
import { BridgeModule, type BridgeOptions } from './bridge.module';
import { AllErrorsFilter } from './http/all-errors.filter';

/** The platform's context object can reach 1 MB (context-object.md); BotKit cut at 100 kB with a 500. */
export const BODY_LIMIT_BYTES = 1024 * 1024 + 64 * 1024;

/**
 * Builds the bridge on Fastify: Nest on Express costs ~4.5x raw node:http per request here, on
 * Fastify ~1.5x (performance-limits.md). Used by main.ts and by the end-to-end tests.
 */
export async function createBridgeApp(config: AppConfig, options: BridgeOptions = {}): Promise<NestFastifyApplication> {
  // History tokens and odd bot ids are longer than Fastify's default 100-character path parameter.
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, trustProxy: true, routerOptions: { maxParamLength: 1000, ignoreTrailingSlash: true } });
  const app = await NestFactory.create<NestFastifyApplication>(BridgeModule.forRoot(config, options), adapter, {
    bufferLogs: false,
    // Throw instead of process.exit, so that main.ts reports it and tests see the error.
    abortOnError: false,
    logger: nestLogLevels(config),
  });
  // socket.io (the agent console) across instances through Redis.
  app.useWebSocketAdapter(new RedisIoAdapter(app, config));
  // Body errors (too large, malformed JSON) reach this filter too, through Nest's Fastify adapter.
  app.useGlobalFilters(new AllErrorsFilter());
  return app;
}

function nestLogLevels(config: AppConfig): Array<'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose'> {
  const order = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
  const index = { fatal: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5 }[config.logLevel];
  return order.slice(0, index + 1);
}
