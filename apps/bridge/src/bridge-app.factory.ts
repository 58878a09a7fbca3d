import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@agent-bridge/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RedisIoAdapter } from '@agent-bridge/console';
import { createPino, enterCorrelation, PinoLoggerService } from '@agent-bridge/observability';
import { OpsAuthService, QUEUE_DASHBOARD_PATH, QueueDashboardPolicy } from '@agent-bridge/ops';
import { BridgeModule, type BridgeOptions } from './bridge.module';
import { AllErrorsFilter } from './http/all-errors.filter';
import { registerJsonBodyParser } from './http/json-body.parser';

/**
 * The platform's context object may reach 1 MB (https://developer.kore.ai/docs/bots/bot-builder-tool/context-object/);
 * BotKit cut at 100 kB with a 500.
 */
export const BODY_LIMIT_BYTES = 1024 * 1024 + 64 * 1024;

/** On Fastify, not Express: Nest's cost per request is far lower there (bench/README.md). */
export async function createBridgeApp(config: AppConfig, options: BridgeOptions = {}): Promise<NestFastifyApplication> {
  // History tokens and odd bot ids are longer than Fastify's default 100-character path parameter.
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, trustProxy: true, routerOptions: { maxParamLength: 1000, ignoreTrailingSlash: true } });
  const app = await NestFactory.create<NestFastifyApplication>(BridgeModule.forRoot(config, options), adapter, {
    bufferLogs: false,
    // Throw instead of process.exit, so that main.ts reports it and tests see the error.
    abortOnError: false,
    logger: new PinoLoggerService(createPino(config.logLevel)),
  });
  // Nest's parsers before its init, which then finds them registered; ours replaces its JSON one.
  adapter.registerParserMiddleware();
  registerJsonBodyParser(adapter.getInstance(), BODY_LIMIT_BYTES);
  // Echoed on every response, errors included, and on every log line of the request.
  app.getHttpAdapter().getInstance().addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const header = request.headers['x-request-id'];
    void reply.header('x-request-id', enterCorrelation(typeof header === 'string' ? header : undefined));
    done();
  });
  // A NUL in the path or query is no id or text anything here knows; Postgres would refuse it.
  app.getHttpAdapter().getInstance().addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url.includes('%00')) await reply.status(400).send({ errors: [{ msg: 'The URL holds a NUL character', code: 'BAD_REQUEST' }] });
  });
  // bull-board's routes, its API included, are checked on the route Fastify matched: the raw URL is
  // not enough, /ops/queue%73/api/... reaches the same routes.
  const opsAuth = app.get(OpsAuthService);
  const dashboard = app.get(QueueDashboardPolicy);
  app.getHttpAdapter().getInstance().addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url;
    if (!route?.startsWith(QUEUE_DASHBOARD_PATH)) return;
    if (!(await opsAuth.check(request.headers))) {
      const refusal = opsAuth.refusal(request);
      await reply.status(refusal.status).headers(refusal.headers).send({ errors: [{ msg: refusal.msg, code: refusal.status }] });
      return;
    }
    const refusal = await dashboard.refusal(request.method, route, request.params as Record<string, string | undefined>);
    if (refusal) await reply.status(403).send({ errors: [{ msg: refusal, code: 403 }] });
  });
  app.useWebSocketAdapter(new RedisIoAdapter(app, config));
  // Body errors (too large, malformed JSON) reach this filter too, through Nest's Fastify adapter.
  app.useGlobalFilters(new AllErrorsFilter());
  return app;
}

