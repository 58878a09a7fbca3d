import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { ConnectionErrors } from '@agent-bridge/observability';

export const REDIS = Symbol('REDIS');

/** Builds namespaced Redis keys, so that several deployments (or test files) can share one server. */
@Injectable()
export class RedisKeys {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  key(...parts: string[]): string {
    return [this.config.redis.keyPrefix, ...parts].join(':');
  }
}

@Injectable()
class RedisShutdown implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** One shared command connection; no auto-pipelining, the lanes batch with RedisBatch instead. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 3, enableAutoPipelining: false, connectionName: 'agent-bridge' });
        // Without a listener ioredis prints every reconnection error to stderr, outside pino.
        redis.on('error', new ConnectionErrors('redis').report);
        return redis;
      },
    },
    RedisKeys,
    RedisShutdown,
  ],
  exports: [REDIS, RedisKeys],
})
export class RedisModule {}
