import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { ConnectionErrors } from '@agent-bridge/observability';
import { REDIS, RedisKeys } from '@agent-bridge/persistence';
import type { HandoffTransition } from './conversation.types';

/** Through Redis, so subscribers in any instance see every transition, whichever instance made it. */
@Injectable()
export class HandoffEventsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(HandoffEventsService.name);
  private readonly local = new EventEmitter();
  private subscriber: Redis | null = null;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.local.setMaxListeners(100);
  }

  private get channel(): string {
    return this.keys.key('handoff-transitions');
  }

  async onModuleInit(): Promise<void> {
    this.subscriber = this.redis.duplicate();
    // Reported through the log (rate-limited), not printed by ioredis to stderr.
    this.subscriber.on('error', new ConnectionErrors('transitions channel').report);
    this.subscriber.on('message', (_channel: string, message: string) => {
      try {
        this.local.emit('transition', JSON.parse(message) as HandoffTransition);
      } catch (error) {
        this.logger.error(`bad transition message: ${(error as Error).message}`);
      }
    });
    await this.subscriber.subscribe(this.channel);
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  async publish(transition: HandoffTransition): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(transition));
  }

  onTransition(listener: (transition: HandoffTransition) => void): () => void {
    this.local.on('transition', listener);
    return () => this.local.off('transition', listener);
  }
}
