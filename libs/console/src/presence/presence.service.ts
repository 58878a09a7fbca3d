import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { InstanceRegistry, REDIS, RedisKeys } from '@agent-bridge/persistence';

export type PresenceStatus = 'available' | 'away' | 'offline';

export interface LocalSocket {
  agentId: string;
  socketId: string;
}

// Only if the entry still names the dead instance: the socket may have been recorded again since,
// under its instance's new id (InstanceRegistry's rejoin).
const RELEASE_ONE = `if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end return 0`;

// "away" sticks across a reconnect; "offline" does not.
const COME_ONLINE = `local s = redis.call('HGET', KEYS[1], ARGV[1])
if not s or s == 'offline' then s = 'available' redis.call('HSET', KEYS[1], ARGV[1], s) end
return s`;

/**
 * Only sockets of instances whose beat is fresh count, so a crashed instance's sockets stop counting
 * within the registry's stale period, before they are reaped.
 */
@Injectable()
export class PresenceService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly registry: InstanceRegistry,
  ) {}

  private statusKey(): string {
    return this.keys.key('console', 'presence');
  }

  /** socket id -> instance id. */
  private agentSocketsKey(agentId: string): string {
    return this.keys.key('console', 'agent-sockets', agentId);
  }

  /** socket id -> agent id: what the reaper releases when the instance dies. */
  private instanceSocketsKey(instanceId: string): string {
    return this.keys.key('console', 'instance-sockets', instanceId);
  }

  async connected(agentId: string, socketId: string): Promise<PresenceStatus> {
    await this.record([{ agentId, socketId }]);
    // In one step, so that an "away" set by the agent meanwhile is never overwritten.
    return (await this.redis.eval(COME_ONLINE, 1, this.statusKey(), agentId)) as PresenceStatus;
  }

  async rejoined(sockets: LocalSocket[]): Promise<void> {
    await this.record(sockets);
    for (const agentId of new Set(sockets.map((s) => s.agentId))) await this.redis.eval(COME_ONLINE, 1, this.statusKey(), agentId);
  }

  async record(sockets: LocalSocket[]): Promise<void> {
    let instanceId: string;
    do {
      instanceId = this.registry.id;
      const batch = this.redis.multi();
      for (const { agentId, socketId } of sockets) {
        batch.hset(this.agentSocketsKey(agentId), socketId, instanceId);
        batch.hset(this.instanceSocketsKey(instanceId), socketId, agentId);
      }
      await batch.exec();
      // The id changed while we wrote (a rejoin): write again under the new one.
    } while (instanceId !== this.registry.id);
  }

  async disconnected(agentId: string, socketId: string): Promise<number> {
    const instanceId = await this.redis.hget(this.agentSocketsKey(agentId), socketId);
    const batch = this.redis.multi().hdel(this.agentSocketsKey(agentId), socketId);
    if (instanceId) batch.hdel(this.instanceSocketsKey(instanceId), socketId);
    await batch.exec();
    return this.socketCount(agentId);
  }

  /** `live`: the live instances, when already read. */
  async socketCount(agentId: string, live?: Set<string>): Promise<number> {
    const [holders, instances] = await Promise.all([this.redis.hvals(this.agentSocketsKey(agentId)), live ?? this.registry.liveInstances()]);
    return holders.filter((instanceId) => instances.has(instanceId)).length;
  }

  liveInstances(): Promise<Set<string>> {
    return this.registry.liveInstances();
  }

  /** Idempotent. */
  async release(instanceId: string): Promise<string[]> {
    const held = await this.redis.hgetall(this.instanceSocketsKey(instanceId));
    for (const [socketId, agentId] of Object.entries(held)) {
      await this.redis.eval(RELEASE_ONE, 1, this.agentSocketsKey(agentId), socketId, instanceId);
    }
    return [...new Set(Object.values(held))];
  }

  /** Last, once its agents' grace periods are scheduled. */
  async forget(instanceId: string): Promise<void> {
    await this.redis.del(this.instanceSocketsKey(instanceId));
  }

  async set(agentId: string, status: PresenceStatus): Promise<void> {
    await this.redis.hset(this.statusKey(), agentId, status);
  }

  /**
   * The status of each agent with a live socket; the others are offline whatever they chose: the
   * status outlives a closed tab for the disconnect grace period, and a crashed instance's sockets
   * until reaped.
   */
  async online(agentIds?: string[]): Promise<Map<string, PresenceStatus>> {
    const [presence, live] = await Promise.all([this.all(), this.liveInstances()]);
    const ids = agentIds ?? [...presence.keys()];
    const online = await Promise.all(ids.map(async (id) => {
      const chosen = presence.get(id);
      return chosen && chosen !== 'offline' && (await this.socketCount(id, live)) > 0 ? ([id, chosen] as const) : null;
    }));
    return new Map(online.filter((entry) => entry !== null));
  }

  async all(): Promise<Map<string, PresenceStatus>> {
    return new Map(Object.entries((await this.redis.hgetall(this.statusKey())) as Record<string, PresenceStatus>));
  }
}
