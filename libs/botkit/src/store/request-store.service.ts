import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { REDIS, RedisKeys } from '@agent-bridge/persistence';
import type { BotkitPayload } from '../payload/botkit-payload';

/**
 * saveData / getSavedData: BotKit kept these in one unbounded Redis hash for all bots; we keep one
 * key per bot and request, with a TTL, so an abandoned async webhook cannot grow Redis forever.
 */
@Injectable()
export class RequestStoreService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private key(botId: string, requestId: string): string {
    return this.keys.key('botkit', 'saved', botId, requestId);
  }

  async saveData(requestId: string, payload: BotkitPayload, ttlSeconds = this.config.kore.savedDataTtlSeconds): Promise<void> {
    await this.redis.set(this.key(payload.botId, requestId), JSON.stringify(payload), 'EX', ttlSeconds);
  }

  async getSavedData(botId: string, requestId: string): Promise<BotkitPayload | null> {
    const raw = await this.redis.get(this.key(botId, requestId));
    return raw ? (JSON.parse(raw) as BotkitPayload) : null;
  }

  async deleteSavedData(botId: string, requestId: string): Promise<void> {
    await this.redis.del(this.key(botId, requestId));
  }
}
