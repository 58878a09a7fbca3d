import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS, RedisKeys } from '@agent-bridge/persistence';

export type PresenceStatus = 'available' | 'away' | 'offline';

/**
 * Presence in Redis, so that every instance sees the same agents: the chosen status, and the set
 * of the agent's open sockets (an agent with none is offline once the grace period has passed).
 */
@Injectable()
export class PresenceService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  private statusKey(): string {
    return this.keys.key('console', 'presence');
  }

  private socketsKey(agentId: string): string {
    return this.keys.key('console', 'sockets', agentId);
  }

  async connected(agentId: string, socketId: string): Promise<PresenceStatus> {
    await this.redis.sadd(this.socketsKey(agentId), socketId);
    const current = (await this.redis.hget(this.statusKey(), agentId)) as PresenceStatus | null;
    // Coming back online after being marked offline makes an agent available again; "away" sticks.
    const status = !current || current === 'offline' ? 'available' : current;
    await this.redis.hset(this.statusKey(), agentId, status);
    return status;
  }

  /** Returns how many sockets the agent still has open (on any instance). */
  async disconnected(agentId: string, socketId: string): Promise<number> {
    await this.redis.srem(this.socketsKey(agentId), socketId);
    return this.redis.scard(this.socketsKey(agentId));
  }

  async socketCount(agentId: string): Promise<number> {
    return this.redis.scard(this.socketsKey(agentId));
  }

  async set(agentId: string, status: PresenceStatus): Promise<void> {
    await this.redis.hset(this.statusKey(), agentId, status);
  }

  async all(): Promise<Map<string, PresenceStatus>> {
    return new Map(Object.entries((await this.redis.hgetall(this.statusKey())) as Record<string, PresenceStatus>));
  }
}
