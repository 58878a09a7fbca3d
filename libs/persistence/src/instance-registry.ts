import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { Global, Inject, Injectable, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS, RedisKeys } from './redis.module';
import { subscriberCounts } from './redis-connection';

export interface InstanceRegistryTiming {
  beatMs: number;
  /** A process whose last beat is older than this is dead: what it held is released. */
  staleMs: number;
}

const DEFAULT_TIMING: InstanceRegistryTiming = { beatMs: 1000, staleMs: 5000 };
export const INSTANCE_REGISTRY_TIMING = Symbol('INSTANCE_REGISTRY_TIMING');

/** Released by whoever reaps a dead instance; must be idempotent (a reap cut short runs again). */
export type ReleaseHandler = (deadInstanceId: string) => Promise<void>;
/** Called when this process finds its registration gone (a Redis flush, or it was reaped while stalled). */
export type RejoinHandler = (newInstanceId: string) => Promise<void>;

// Redis's clock, not the callers': instances on hosts whose clocks differ still agree on who is stale.
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;
// Returns 1 when the id was absent (first beat, or registration lost).
const BEAT = `${NOW} return redis.call('ZADD', KEYS[1], now, ARGV[1])`;
const LIVE = `${NOW} return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - tonumber(ARGV[1])), '+inf')`;
// Stale ids move atomically to the "releasing" set: an instance that beats again after this finds
// itself absent and takes a new id, so nothing it writes later is released by this reap.
const COLLECT = `${NOW}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('SADD', KEYS[2], id)
end
return redis.call('SMEMBERS', KEYS[2])`;
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Processes beat into a sorted set; one at a time (Redis lock) reaps stale ones through the release
 * handlers, which every reaping process must register alike. Each also subscribes to a channel of
 * its own, which Redis drops when the connection closes (kill -9 too), so liveInstances() stops
 * counting a dead process long before its beat goes stale.
 */
@Injectable()
export class InstanceRegistry implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InstanceRegistry.name);
  private currentId = newInstanceId();
  private readonly releaseHandlers: ReleaseHandler[] = [];
  private readonly rejoinHandlers: RejoinHandler[] = [];
  private timer?: NodeJS.Timeout;
  private joined = false;
  private ticking = false;
  private failing = false;
  private subscriber?: Redis;
  private subscribed?: string;
  private subscriberDown = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    @Inject(INSTANCE_REGISTRY_TIMING) private readonly timing: InstanceRegistryTiming = DEFAULT_TIMING,
  ) {}

  /** Changes when the registration was lost (see rejoin). */
  get id(): string {
    return this.currentId;
  }

  get staleMs(): number {
    return this.timing.staleMs;
  }

  onRelease(handler: ReleaseHandler): void {
    this.releaseHandlers.push(handler);
  }

  onRejoin(handler: RejoinHandler): void {
    this.rejoinHandlers.push(handler);
  }

  async onModuleInit(): Promise<void> {
    this.subscriber = this.redis.duplicate({ connectionName: 'agent-bridge-instance' });
    // One report per outage: without a listener ioredis prints every retry to stderr.
    this.subscriber.on('error', (error: Error) => {
      if (!this.subscriberDown) this.logger.warn(`instance channel: ${error.message}`);
      this.subscriberDown = true;
    });
    this.subscriber.on('ready', () => (this.subscriberDown = false));
    // Redis away at start must not hold up boot: the beats subscribe later.
    await Promise.race([once(this.subscriber, 'ready').catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    // Registered before anything is recorded under this id; a Redis away at start is retried by the timer.
    await this.beat().catch(() => undefined);
  }

  /** Reaping starts once every module has registered its release handlers. */
  onApplicationBootstrap(): void {
    this.start();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.timing.beatMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    // No deregistration: a process stopping gracefully releases its sockets itself, and whatever
    // it could not is reaped once its beat goes stale, the same path as a crash.
    this.stop();
    // Nothing to flush on a subscriber, and quit() would wait out a Redis that is away.
    this.subscriber?.disconnect();
  }

  /** Stops beating (as a crash would, for tests); the entry goes stale and is reaped by the others. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Ids of the instances whose beat is fresh and whose connection to Redis is open. */
  async liveInstances(): Promise<Set<string>> {
    const fresh = (await this.redis.eval(LIVE, 1, this.key('instances'), this.timing.staleMs)) as string[];
    if (fresh.length === 0) return new Set();
    const counts = await subscriberCounts(this.redis, fresh.map((id) => this.channel(id)));
    return new Set(fresh.filter((_, i) => counts[i]! > 0));
  }

  /** One beat, then one reap if no other instance is reaping; exposed for tests. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.beat();
      await this.reap();
      if (this.failing) this.logger.log('heartbeat restored');
      this.failing = false;
    } catch (error) {
      // Once per outage, not once a second: the stores' own clients report the outage too.
      if (!this.failing) this.logger.warn(`heartbeat failing: ${(error as Error).message}`);
      this.failing = true;
    } finally {
      this.ticking = false;
    }
  }

  private async beat(): Promise<void> {
    const added = (await this.redis.eval(BEAT, 1, this.key('instances'), this.currentId)) as number;
    await this.listen();
    if (added !== 1 || !this.joined) {
      this.joined = true;
      return;
    }
    // Our entry was gone: take a new id so that a reap of the old one cannot undo what we re-record.
    this.currentId = newInstanceId();
    await this.redis.eval(BEAT, 1, this.key('instances'), this.currentId);
    await this.listen();
    this.logger.warn(`registration lost (Redis emptied, or this process stalled past ${this.timing.staleMs} ms): rejoined as a new instance`);
    for (const handler of this.rejoinHandlers) await handler(this.currentId);
  }

  private async reap(): Promise<void> {
    // A process with nothing to release must not take dead instances off the list.
    if (this.releaseHandlers.length === 0) return;
    const lock = this.key('instances', 'reaper');
    if ((await this.redis.set(lock, this.currentId, 'PX', Math.max(this.timing.staleMs, 2000), 'NX')) !== 'OK') return;
    try {
      const dead = (await this.redis.eval(COLLECT, 2, this.key('instances'), this.key('instances', 'releasing'), this.timing.staleMs)) as string[];
      for (const id of dead) {
        if (id === this.currentId) continue;
        try {
          for (const handler of this.releaseHandlers) await handler(id);
        } catch (error) {
          // It stays in the releasing set: the next reap runs every handler again (they are idempotent).
          this.logger.warn(`release of instance ${id} failed, retried on the next reap: ${(error as Error).message}`);
          continue;
        }
        await this.redis.srem(this.key('instances', 'releasing'), id);
        this.logger.warn(`instance ${id} stopped beating: what it held is released`);
      }
    } finally {
      await this.redis.eval(UNLOCK, 1, lock, this.currentId);
    }
  }

  /**
   * Holds this id's channel, checked on every beat (one NUMSUB): an instance whose subscription
   * was lost would beat on while routing counted none of its sockets.
   */
  private async listen(): Promise<void> {
    const channel = this.channel(this.currentId);
    // Not before 'ready': ioredis sends SUBSCRIBE ahead of its ready check, whose INFO then fails
    // in subscriber mode and the subscription is lost.
    if (!this.subscriber || this.subscriber.status !== 'ready') return;
    if (this.subscribed && this.subscribed !== channel) await this.subscriber.unsubscribe(this.subscribed);
    this.subscribed = undefined;
    const [count] = await subscriberCounts(this.redis, [channel]);
    if (count === 0) await this.subscriber.subscribe(channel);
    this.subscribed = channel;
  }

  private channel(id: string): string {
    return this.key('instance', id);
  }

  private key(...parts: string[]): string {
    return this.keys.key(...parts);
  }
}

function newInstanceId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

@Global()
@Module({
  providers: [InstanceRegistry, { provide: INSTANCE_REGISTRY_TIMING, useValue: DEFAULT_TIMING }],
  exports: [InstanceRegistry],
})
export class InstanceRegistryModule {}
