import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type Redis from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '@agent-bridge/config';
import { ConnectionErrors } from '@agent-bridge/observability';
import { createRedis } from '@agent-bridge/persistence';

/**
 * The key matches ConsoleEmitter's. The default namespace "/" has no gateway and no authentication:
 * every connection to it is refused.
 */
export class RedisIoAdapter extends IoAdapter {
  private clients: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, { ...options, maxHttpBufferSize: 256 * 1024, pingInterval: 20_000, pingTimeout: 15_000 }) as Server;
    server.of('/').use((_socket, next) => next(new Error('no such namespace')));
    // The classic adapter: its PUBLISH reaches every node of a Cluster too, and it counts servers on all of them.
    // No retry limit: the adapter never handles a failed PUBLISH, so one must not fail (it waits out a failover).
    const pub = createRedis(this.config.redis, { connectionName: 'agent-bridge-io-pub', maxRetriesPerRequest: null });
    const sub = pub.duplicate({ connectionName: 'agent-bridge-io-sub' });
    // Without a listener ioredis prints every reconnection error to stderr, outside the log.
    pub.on('error', new ConnectionErrors('socket.io adapter publisher').report);
    sub.on('error', new ConnectionErrors('socket.io adapter subscriber').report);
    this.clients = [pub, sub];
    server.adapter(createAdapter(pub, sub, { key: `${this.config.redis.keyPrefix}:socket.io` }));
    return server;
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    for (const client of this.clients) client.disconnect();
  }
}
