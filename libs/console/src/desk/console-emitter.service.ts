import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import type Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { ConnectionErrors } from '@agent-bridge/observability';
import { createRedis, RedisKeys } from '@agent-bridge/persistence';
import { CONSOLE_NAMESPACE, SUPERVISORS_ROOM, agentRoom, type ServerToClientEvents } from './console-events';

/** Publishes in the socket.io Redis adapter's format, so workers, which hold no sockets, can emit too. */
@Injectable()
export class ConsoleEmitter implements OnApplicationShutdown {
  private readonly emitter: Emitter<ServerToClientEvents>;
  private readonly listeners: Array<(event: keyof ServerToClientEvents) => void> = [];
  private readonly publisher: Redis;

  constructor(@Inject(APP_CONFIG) config: AppConfig, keys: RedisKeys) {
    // A publisher of its own that waits out a Redis restart or failover: the emitter never handles
    // a failed PUBLISH, and one rejected by the shared client's retry limit would crash the process.
    this.publisher = createRedis(config.redis, { connectionName: 'agent-bridge-io-emitter', maxRetriesPerRequest: null });
    this.publisher.on('error', new ConnectionErrors('socket.io emitter').report);
    this.emitter = new Emitter<ServerToClientEvents>(this.publisher, { key: keys.key('socket.io') }).of(CONSOLE_NAMESPACE);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.quit().catch(() => this.publisher.disconnect());
  }

  /** To the agent who owns a conversation (if any) and to every supervisor. */
  toOwner<E extends keyof ServerToClientEvents>(agentId: string | null, event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    const rooms = agentId ? [agentRoom(agentId), SUPERVISORS_ROOM] : [SUPERVISORS_ROOM];
    this.emitter.to(rooms).emit(event, ...args);
    this.emitted(event);
  }

  toRoom<E extends keyof ServerToClientEvents>(room: string, event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    this.emitter.to(room).emit(event, ...args);
    this.emitted(event);
  }

  toRooms<E extends keyof ServerToClientEvents>(rooms: string[], event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    this.emitter.to(rooms).emit(event, ...args);
    this.emitted(event);
  }

  /** Told of every event sent, in this process: the board follows the changes that reach agents. */
  onEmit(listener: (event: keyof ServerToClientEvents) => void): void {
    this.listeners.push(listener);
  }

  private emitted(event: keyof ServerToClientEvents): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Every socket of the agent, on every instance; the page reconnects, and its handshake is checked again. */
  disconnectAgent(agentId: string): void {
    this.emitter.in(agentRoom(agentId)).disconnectSockets();
  }
}
