import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { ConnectionErrors } from '@agent-bridge/observability';
import { REDIS, RedisKeys } from '@agent-bridge/persistence';

/**
 * "Something an admin edits changed": one Redis channel, a topic per message. Caches of settings
 * reload on it, so a change applies on every instance at once without polling. A message carries
 * only the topic; each listener re-reads Postgres, the truth, so a missed message costs only
 * freshness until the next change or restart.
 */
@Injectable()
export class ChangeBus implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ChangeBus.name);
  private readonly local = new EventEmitter();
  private subscriber: Redis | null = null;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.local.setMaxListeners(100);
  }

  private get channel(): string {
    return this.keys.key('settings-changed');
  }

  async onModuleInit(): Promise<void> {
    this.subscriber = this.redis.duplicate();
    // Reported through the log (rate-limited), not printed by ioredis to stderr.
    this.subscriber.on('error', new ConnectionErrors('settings channel').report);
    this.subscriber.on('message', (_channel: string, topic: string) => this.local.emit(topic));
    // A resubscribe after a Redis restart may have missed changes: every listener reloads.
    this.subscriber.on('ready', () => {
      for (const topic of this.local.eventNames()) this.local.emit(topic);
    });
    await this.subscriber.subscribe(this.channel);
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  /**
   * Tells every instance, this one included. This one hears it at once, not when Redis echoes it:
   * the admin's request returns with this instance's caches already dropped, so the next hand-off
   * here routes by the change (the echo only reloads them once more).
   */
  async changed(topic: string): Promise<void> {
    this.local.emit(topic);
    await this.redis.publish(this.channel, topic);
  }

  onChange(topic: string, listener: () => void): () => void {
    const safe = (): void => {
      try {
        listener();
      } catch (error) {
        this.logger.error(`listener of ${topic} failed: ${(error as Error).message}`);
      }
    };
    this.local.on(topic, safe);
    return () => this.local.off(topic, safe);
  }
}
