import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { ConnectionErrors } from '@agent-bridge/observability';
import { createRedis, redisOptions } from './redis-connection';

export const REDIS = Symbol('REDIS');
/**
 * What BullMQ connects with: options (standalone, Sentinel), from which it makes and closes its own
 * clients, or, for a Cluster, a client it shares and this module closes.
 */
export const QUEUE_CONNECTION = Symbol('QUEUE_CONNECTION');
export type QueueConnection = RedisOptions | Redis;

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
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(QUEUE_CONNECTION) private readonly queues: QueueConnection,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    const clients = [this.redis, ...(isClient(this.queues) ? [this.queues] : [])];
    await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
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
        const redis = createRedis(config.redis, { maxRetriesPerRequest: 3, enableAutoPipelining: false, connectionName: 'agent-bridge' });
        // Without a listener ioredis prints every reconnection error to stderr, outside pino.
        redis.on('error', new ConnectionErrors('redis').report);
        return redis;
      },
    },
    {
      provide: QUEUE_CONNECTION,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): QueueConnection => {
        // Blocking connections wait out a Redis restart or a failover instead of failing the worker.
        const options = { connectionName: 'agent-bridge-queues', maxRetriesPerRequest: null };
        if (config.redis.topology?.mode !== 'cluster') return redisOptions(config.redis, options);
        const cluster = createRedis(config.redis, options);
        cluster.on('error', new ConnectionErrors('redis (queues)').report);
        return cluster;
      },
    },
    RedisKeys,
    RedisShutdown,
  ],
  exports: [REDIS, QUEUE_CONNECTION, RedisKeys],
})
export class RedisModule {}

function isClient(connection: QueueConnection): connection is Redis {
  return typeof (connection as Redis).quit === 'function';
}
