import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type Redis from 'ioredis';
import { APP_CONFIG, withTimeout, type AppConfig } from '@agent-bridge/config';
import { BotkitClient, SdkError, type BotkitPayload } from '@agent-bridge/botkit';
import { REDIS, RedisKeys } from '@agent-bridge/persistence';
import { AsyncResponse, WEBHOOK_COMPONENT, type WebhookHandler, type WebhookRequest } from './webhook-handler';

export interface WebhookAnswer {
  status: number;
  body: unknown;
}

const ANSWER_TTL_SECONDS = 600;
const POLL_MS = 50;

/**
 * The platform waits for on_webhook's answer, so handlers are bounded by WEBHOOK_TIMEOUT_MS; answers
 * are remembered so a redelivered request gets the same one without running the handler twice.
 */
@Injectable()
export class WebhookDispatcher implements OnModuleInit {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly handlers = new Map<string, WebhookHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly botkit: BotkitClient,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    for (const { instance, metatype } of this.discovery.getProviders()) {
      if (!instance || !metatype) continue;
      const names = Reflect.getMetadata(WEBHOOK_COMPONENT, metatype) as string[] | undefined;
      for (const name of names ?? []) {
        if (this.handlers.has(name)) throw new Error(`two webhook handlers for component "${name}"`);
        this.handlers.set(name, instance as WebhookHandler);
      }
    }
  }

  async dispatch(request: WebhookRequest): Promise<WebhookAnswer> {
    const answerKey = this.keys.key('hook-answer', request.botId, request.requestId);
    const claimed = await this.redis.set(answerKey, '', 'EX', ANSWER_TTL_SECONDS, 'NX');
    if (!claimed) return this.awaitAnswer(answerKey);
    let answer: WebhookAnswer;
    try {
      answer = await this.run(request);
    } catch (error) {
      await this.redis.del(answerKey);
      throw error;
    }
    await this.redis.set(answerKey, JSON.stringify(answer), 'EX', ANSWER_TTL_SECONDS);
    return answer;
  }

  private async run(request: WebhookRequest): Promise<WebhookAnswer> {
    const handler =
      (request.componentName !== undefined ? this.handlers.get(request.componentName) : undefined) ??
      this.handlers.get(request.componentId);
    if (!handler) return { status: 200, body: request.payload };
    const ms = this.config.kore.webhookTimeoutMs;
    const result = await withTimeout(handler.handle(request), ms, () => new SdkError(504, 'WEBHOOK_TIMEOUT', `The webhook handler did not answer within ${ms} ms`));
    if (result instanceof AsyncResponse) {
      if (typeof request.payload.callbackUrl !== 'string') {
        throw SdkError.badRequest('Async response is not supported without a callbackUrl', 'ASYNC_RESPONSE_NOT_SUPPORTED');
      }
      await this.botkit.saveData(request.requestId, request.payload);
      return { status: 202, body: { customCode: 'ASYNC_RESPONSE', message: result.message, statusCode: 202 } };
    }
    if (!result || typeof result !== 'object' || (result as BotkitPayload).__payloadClass !== 'OnHookPayload') {
      this.logger.error(`webhook handler for ${request.componentName ?? request.componentId} returned an invalid result`);
      throw new SdkError(500, 'INTERNAL_SERVER_ERROR', 'Invalid return type.');
    }
    return { status: 200, body: result };
  }

  // A concurrent duplicate waits for the first request's answer instead of running the handler again.
  private async awaitAnswer(key: string): Promise<WebhookAnswer> {
    const deadline = Date.now() + this.config.kore.webhookTimeoutMs + 1000;
    while (Date.now() < deadline) {
      const raw = await this.redis.get(key);
      if (raw) return JSON.parse(raw) as WebhookAnswer;
      if (raw === null) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new SdkError(409, 'REQUEST_IN_PROGRESS', 'This request is already being processed');
  }
}

