import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '@agent-bridge/config';

/**
 * socket.io over the Redis adapter: any instance (and any worker, through the emitter) reaches any
 * agent. The key matches ConsoleEmitter's.
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
    const pub = new Redis(this.config.redis.url, { connectionName: 'agent-bridge-io-pub' });
    const sub = pub.duplicate({ connectionName: 'agent-bridge-io-sub' });
    this.clients = [pub, sub];
    server.adapter(createAdapter(pub, sub, { key: `${this.config.redis.keyPrefix}:socket.io` }));
    return server;
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    for (const client of this.clients) client.disconnect();
  }
}
