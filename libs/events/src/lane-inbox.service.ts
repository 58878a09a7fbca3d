import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { InjectQueue } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import type Redis from 'ioredis';
import { metrics } from '@agent-bridge/observability';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { classifyFailure, NotReplicatedError, REDIS, RedisBatch, RedisKeys, type Failure } from '@agent-bridge/persistence';
import { JOB_OPTIONS, JOBS, QUEUES, type DrainLaneJob } from '@agent-bridge/queue';
import { DeadLetterRepository } from './dead-letter.repository';
import { LANE_HANDLER, type LaneHandlerFor } from './lane-handler.decorator';
import { nextRetryDelay } from './lane-failure';
import { INSTANCE_TTL_MS, InstanceHeartbeat } from './instance-heartbeat';
import { ACCEPT, RELEASE, RENEW, STEP, TAKEOVER } from './lane-scripts';
import { LEASE_MS, LeaseRenewer, type LaneHold } from './lease-renewer';

const DEDUPE_TTL_SECONDS = 24 * 3600;
/** Per drain job, then a fresh one takes over: a busy lane cannot hog a worker slot. */
const JOB_BATCH = 100;
const STALE_MS = 1000;
const SWEEP_LIMIT = 500;

type AcceptReply = [accepted: number, owned: number, head?: string];

export interface LaneAcceptResult {
  duplicate: boolean;
}


/**
 * The process that appended an item drains the lane itself when it is free: no job hop on the hot
 * path. A lease renewed while a handler runs keeps one drain per lane across instances.
 */
@Injectable()
export class LaneInboxService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(LaneInboxService.name);
  private readonly registrations = new Map<string, LaneHandlerFor>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly sleepers = new Set<() => void>();
  /** Lanes this process is draining now: a sweep has nothing to take there (its own lease holds them). */
  private readonly draining = new Map<string, number>();
  private closing = false;
  /** `hb~`: the holder beats, so it may be declared dead; an older version's holders, mid-upgrade, never are. */
  private readonly tokenPrefix = `hb~${randomBytes(9).toString('base64url')}`;
  private tokens = 0;
  private readonly batch: RedisBatch;
  private readonly leases: LeaseRenewer;
  private readonly heartbeat: InstanceHeartbeat;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    @InjectQueue(QUEUES.events) private readonly queue: Queue<DrainLaneJob>,
    private readonly deadLetters: DeadLetterRepository,
    private readonly discovery: DiscoveryService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.redis.defineCommand('abLaneAccept', { numberOfKeys: 4, lua: ACCEPT });
    this.redis.defineCommand('abLaneStep', { numberOfKeys: 3, lua: STEP });
    this.redis.defineCommand('abLaneRenew', { numberOfKeys: 1, lua: RENEW });
    this.redis.defineCommand('abLaneRelease', { numberOfKeys: 1, lua: RELEASE });
    this.redis.defineCommand('abLaneTakeover', { numberOfKeys: 4, lua: TAKEOVER });
    const { replicaAcks = 0, replicaAckTimeoutMs = 1000 } = config.redis;
    this.batch = new RedisBatch(this.redis, 2, replicaAcks > 0 ? { replicas: replicaAcks, timeoutMs: replicaAckTimeoutMs } : null);
    this.leases = new LeaseRenewer(
      async (hold) => (await this.batch.call('abLaneRenew', [this.leaseKey(hold.lane), hold.token, LEASE_MS])) === 1,
      (hold) => {
        metrics.laneLeasesLost.inc({ kind: kindOf(hold.lane) });
        this.logger.warn(`lane ${kindOf(hold.lane)}: lease lost while a handler ran; its new holder handles the item again`);
      },
      (error) => this.logger.warn(`lane lease not renewed: ${classifyFailure(error).code}`),
    );
    const instanceKey = this.instanceKey(this.tokenPrefix);
    this.heartbeat = new InstanceHeartbeat(
      () => this.redis.set(instanceKey, '1', 'PX', INSTANCE_TTL_MS),
      () => this.redis.del(instanceKey),
      (error) => this.logger.warn(`lane heartbeat not stored: ${classifyFailure(error).code}`),
    );
  }

  onModuleInit(): void {
    for (const { instance, metatype } of this.discovery.getProviders()) {
      const kind = instance && metatype ? (Reflect.getMetadata(LANE_HANDLER, metatype) as string | undefined) : undefined;
      if (!kind) continue;
      this.register(kind, instance as LaneHandlerFor);
    }
  }

  /** Called directly only where no Nest module builds the process. */
  register(kind: string, handler: LaneHandlerFor): void {
    const other = this.registrations.get(kind);
    if (other && other !== handler) throw new Error(`lane kind "${kind}" has two handlers: ${other.constructor.name}, ${handler.constructor.name}`);
    this.registrations.set(kind, handler);
  }

  laneOf(kind: string, id: string): string {
    return `${kind}/${id}`;
  }

  inboxKey(lane: string): string {
    return this.keys.key('inbox', lane);
  }

  /** Scored by each lane's last drain step, for the sweep. */
  indexKey(): string {
    return this.keys.key('lanes');
  }

  leaseKey(lane: string): string {
    return this.keys.key('lease', lane);
  }

  /** Set while the process whose lease tokens start with `prefix` is alive. */
  instanceKey(prefix: string): string {
    return this.keys.key('instance', prefix);
  }

  /** Resolves once stored; a `dedupeKey` seen in the last 24 h is not appended again. `decoded` spares a re-parse. */
  async accept(kind: string, id: string, dedupeKey: string, item: string, decoded?: unknown): Promise<LaneAcceptResult> {
    const lane = this.laneOf(kind, id);
    if (!this.heartbeat.beating) await this.heartbeat.ensure();
    const token = this.nextToken();
    const reply = this.batch.call('abLaneAccept', [
      this.keys.key('dedupe', dedupeKey),
      this.inboxKey(lane),
      this.leaseKey(lane),
      this.indexKey(),
      DEDUPE_TTL_SECONDS,
      item,
      token,
      LEASE_MS,
      Date.now(),
      lane,
    ], true);
    const start = ([, owned, head]: AcceptReply): void => {
      // No head returned: the new item is the lane's only one.
      if (owned === 1) this.startInline(lane, token, head ?? item, head === undefined ? decoded : undefined);
    };
    try {
      const stored = (await reply) as AcceptReply;
      start(stored);
      return { duplicate: stored[0] === 0 };
    } catch (error) {
      // Stored on the primary but on no replica yet: the sender is refused and retries (deduplicated),
      // and the item is drained like any other, not left under a lease nobody renews.
      if (error instanceof NotReplicatedError) start(error.value as AcceptReply);
      throw error;
    }
  }

  /** For work done another way (a catch-up relayed the event): a later item under these keys is dropped. */
  async markSeen(dedupeKeys: string[]): Promise<void> {
    if (dedupeKeys.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const key of dedupeKeys) pipeline.set(this.keys.key('dedupe', key), '1', 'EX', DEDUPE_TTL_SECONDS);
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }

  scheduleDrain(lane: string, delayMs = 0): Promise<unknown> {
    return this.queue.add(
      JOBS.drainLane,
      { lane },
      { ...JOB_OPTIONS[JOBS.drainLane], ...(delayMs > 0 ? { delay: delayMs } : {}), deduplication: { id: `drain.${lane.replace(/:/g, '_')}`, keepLastIfActive: true } },
    );
  }

  async drainJob(job: Job<DrainLaneJob>): Promise<{ handled: number }> {
    const { lane } = job.data;
    if (!this.registrations.has(kindOf(lane))) throw new Error(`no handler for lanes of kind "${kindOf(lane)}" in this process`);
    await this.heartbeat.ensure();
    const token = this.nextToken();
    const [claimed, head] = await this.step(lane, token, 'claim');
    // Held elsewhere (its holder drains it), or empty.
    if (claimed !== 1 || head === undefined) return { handled: 0 };
    return this.drain(lane, token, head, true);
  }

  /**
   * A claim fails at once where a holder keeps its lease; of those, lanes whose holder's process
   * stopped beating are taken anyway. Returns how many lanes this process took.
   */
  async sweep(staleMs = STALE_MS): Promise<number> {
    if (this.closing) return 0;
    await this.heartbeat.ensure();
    // A handler slower than `staleMs` leaves its lane stale in the index: claiming it (and reading its
    // lease) on every sweep cost several round trips per slow item, more the busier the process was.
    const stale = (await this.redis.zrangebyscore(this.indexKey(), '-inf', Date.now() - staleMs, 'LIMIT', 0, SWEEP_LIMIT)).filter((lane) => !this.draining.has(lane));
    const claims = await Promise.all(
      stale.map(async (lane) => {
        const token = this.nextToken();
        return { lane, token, result: await this.step(lane, token, 'claim') };
      }),
    );
    const held = claims.filter((c) => c.result[0] === -1).map((c) => c.lane);
    const takeovers = held.length > 0 ? await this.takeOverFromTheDead(held) : [];
    let taken = 0;
    for (const { lane, token, result } of [...claims, ...takeovers]) {
      const [claimed, head] = result;
      if (claimed !== 1 || head === undefined) continue;
      taken++;
      metrics.laneTakeovers.inc({ kind: kindOf(lane) });
      this.startInline(lane, token, head, undefined);
    }
    if (taken) this.logger.warn(`took over ${taken} lane(s) left without a holder`);
    return taken;
  }

  /** Before the stores close; HTTP has stopped feeding the drains by then. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    for (const wake of [...this.sleepers]) wake();
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    this.leases.stop();
    await this.heartbeat.stop();
  }

  private async takeOverFromTheDead(lanes: string[]): Promise<Array<{ lane: string; token: string; result: [number, string?] }>> {
    const tokens = await Promise.all(lanes.map((lane) => this.redis.get(this.leaseKey(lane))));
    const holders = lanes.flatMap((lane, i) => {
      const holder = tokens[i];
      const prefix = holder?.slice(0, holder.lastIndexOf('.'));
      return holder && prefix?.startsWith('hb~') && prefix !== this.tokenPrefix ? [{ lane, holder, prefix }] : [];
    });
    // One check per holding process, not per lane: most holders are alive.
    const prefixes = [...new Set(holders.map((h) => h.prefix))];
    const alive = await Promise.all(prefixes.map((prefix) => this.redis.exists(this.instanceKey(prefix))));
    const dead = new Set(prefixes.filter((_, i) => alive[i] === 0));
    return Promise.all(
      holders.filter((h) => dead.has(h.prefix)).map(async ({ lane, holder, prefix }) => {
        const token = this.nextToken();
        const args = [this.inboxKey(lane), this.leaseKey(lane), this.indexKey(), this.instanceKey(prefix), holder, token, LEASE_MS, Date.now(), lane];
        return { lane, token, result: (await this.batch.call('abLaneTakeover', args)) as [number, string?] };
      }),
    );
  }

  private startInline(lane: string, token: string, head: string, decoded: unknown): void {
    if (!this.registrations.has(kindOf(lane)) || this.closing) {
      // A drain job or another process's sweep takes it.
      void this.handOver(lane, token);
      return;
    }
    // The acknowledgement this item waits for goes out before the drain's first synchronous stretch.
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain(lane, token, head, false, decoded))
      .catch((error: unknown) => {
        // Redis unreachable mid-drain: the lease expires and a sweep takes the lane over.
        this.logger.error(`lane ${kindOf(lane)}: drain stopped (${classifyFailure(error).code})`);
      });
    this.track(run);
  }

  /** An item leaves the lane only once handled or dead-lettered. */
  private async drain(lane: string, token: string, first: string, asJob: boolean, firstDecoded?: unknown): Promise<{ handled: number }> {
    this.draining.set(lane, (this.draining.get(lane) ?? 0) + 1);
    try {
      return await this.drainHeld(lane, token, first, asJob, firstDecoded);
    } finally {
      const left = (this.draining.get(lane) ?? 1) - 1;
      if (left > 0) this.draining.set(lane, left);
      else this.draining.delete(lane);
    }
  }

  private async drainHeld(lane: string, token: string, first: string, asJob: boolean, firstDecoded?: unknown): Promise<{ handled: number }> {
    const kind = kindOf(lane);
    const registration = this.registrations.get(kind)!;
    let head: string | undefined = first;
    let decoded = firstDecoded;
    let handled = 0;
    while (head !== undefined) {
      if ((asJob && handled >= JOB_BATCH) || (this.closing && handled > 0)) {
        await this.handOver(lane, token);
        return { handled };
      }
      if ((await this.handle(lane, registration, token, head, decoded)) === 'stop') return { handled };
      handled++;
      decoded = undefined;
      const [state, next] = await this.step(lane, token, 'next');
      if (state === -1) {
        metrics.laneLeasesLost.inc({ kind });
        this.logger.warn(`lane ${kind}: lease lost mid-drain; its new holder continues`);
        return { handled };
      }
      head = state === 1 ? next : undefined;
    }
    return { handled };
  }

  /** 'stop': this drain lets go of the lane (lease lost, or stopping). */
  private async handle(lane: string, registration: LaneHandlerFor, token: string, item: string, decoded: unknown): Promise<'done' | 'stop'> {
    const hold = this.leases.hold(lane, token);
    const kind = kindOf(lane);
    try {
      let failingSince = 0;
      for (let attempts = 1; ; attempts++) {
        try {
          await registration.handle(item, decoded);
          return hold.lost ? 'stop' : 'done';
        } catch (error) {
          if (hold.lost) return 'stop';
          const failure = classifyFailure(error);
          failingSince ||= Date.now();
          const delay = nextRetryDelay(failure, attempts, Date.now() - failingSince);
          if (delay === null) return (await this.deadLetter(lane, registration, item, decoded, failure, attempts, hold)) ? 'done' : 'stop';
          metrics.laneRetries.inc({ kind, reason: failure.kind });
          if (attempts === 1) this.logger.warn(`lane ${kind}: an item failed (${failure.kind}, ${failure.code}); retried in place`);
          if (!(await this.pause(delay, hold))) return 'stop';
        }
      }
    } finally {
      this.leases.release(hold);
    }
  }

  /** False when this drain had to let go first. */
  private async deadLetter(lane: string, registration: LaneHandlerFor, item: string, decoded: unknown, failure: Failure, attempts: number, hold: LaneHold): Promise<boolean> {
    const kind = kindOf(lane);
    for (let tries = 1; ; tries++) {
      try {
        const id = await this.deadLetters.insert({ kind, lane, item, reason: failure.kind, errorCode: failure.code, attempts });
        metrics.laneDeadLetters.inc({ kind, reason: failure.kind });
        this.logger.error(`lane ${kind}: item dead-lettered as ${id} after ${attempts} attempt(s) (${failure.kind}, ${failure.code})`);
        if (registration.onDeadLetter) {
          this.track(registration.onDeadLetter(item, decoded, { id, code: failure.code }).catch((error: unknown) => {
            this.logger.error(`lane ${kind}: dead letter ${id} not reported (${classifyFailure(error).code})`);
          }));
        }
        return true;
      } catch (error) {
        // Postgres away: the item keeps its place until it can be recorded.
        if (tries === 1) this.logger.warn(`lane ${kind}: dead letter not recorded yet (${classifyFailure(error).code}); retrying`);
        if (!(await this.pause(Math.min(250 * 2 ** tries, 5000), hold))) return false;
      }
    }
  }

  /** False when the drain must let go instead (lease lost, or stopping: then handed over). */
  private async pause(ms: number, hold: LaneHold): Promise<boolean> {
    await new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
    if (hold.lost) return false;
    if (!this.closing) return true;
    await this.handOver(hold.lane, hold.token);
    return false;
  }

  private async handOver(lane: string, token: string): Promise<void> {
    try {
      await this.batch.call('abLaneRelease', [this.leaseKey(lane), token]);
      await this.scheduleDrain(lane);
    } catch (error) {
      // A sweep finds the lane once the lease is gone.
      this.logger.error(`lane ${kindOf(lane)} not handed over (${classifyFailure(error).code})`);
    }
  }

  private async step(lane: string, token: string, mode: 'claim' | 'next'): Promise<[number, string?]> {
    const args = [this.inboxKey(lane), this.leaseKey(lane), this.indexKey(), token, LEASE_MS, Date.now(), lane, mode];
    return (await this.batch.call('abLaneStep', args)) as [number, string?];
  }

  private track(run: Promise<unknown>): void {
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private nextToken(): string {
    return `${this.tokenPrefix}.${(this.tokens++).toString(36)}`;
  }
}

export function kindOf(lane: string): string {
  const slash = lane.indexOf('/');
  return slash === -1 ? lane : lane.slice(0, slash);
}
