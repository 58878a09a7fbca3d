import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import type Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { REDIS, RedisBatch, RedisKeys } from '@agent-bridge/persistence';
import { JOBS, QUEUES, type DrainLaneJob } from '@agent-bridge/queue';

const DEDUPE_TTL_SECONDS = 24 * 3600;
/** A drain holds its lane this long after its last step; a crashed holder frees it by expiry. */
export const LEASE_MS = 60_000;
/** Events handled per drain job before it hands over to a fresh one (a busy lane cannot hog a slot). */
const JOB_BATCH = 100;
/** A retryable failure in the receiving process waits this long before the drain job retries it. */
const RETRY_DELAY_MS = 1000;

// Dedupe, append, and try to take the lane, in one atomic step. Returns {accepted, owned, head}:
// a new item is appended; whoever wins the lease drains the lane (starting from its head). A
// redelivered item is not appended again, but it may still take a lane left with items and no
// holder (a crash between the write and the drain).
const ACCEPT = `
local accepted = 0
local length = 0
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  length = redis.call('RPUSH', KEYS[2], ARGV[2])
  accepted = 1
else
  length = redis.call('LLEN', KEYS[2])
  if length == 0 then return {0, 0} end
end
if redis.call('SET', KEYS[3], ARGV[3], 'NX', 'PX', ARGV[4]) then
  redis.call('ZADD', KEYS[4], ARGV[5], ARGV[6])
  -- The head is the new item itself when the lane was empty: the caller has it already.
  if accepted == 1 and length == 1 then return {1, 1} end
  return {accepted, 1, redis.call('LINDEX', KEYS[2], 0)}
end
return {accepted, 0}`;

// One step of a lane's holder. 'next': drop the handled head (the caller must still hold the
// lease); 'claim': take a lane nobody holds (drain jobs). Then renew the lease and return the next
// head, or free the lane when it is empty. Appends and this check are atomic, so no item is ever
// left behind without a holder. {-1}: the lease was lost (expired and taken), or is held elsewhere.
const STEP = `
if ARGV[5] == 'claim' then
  if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {-1} end
else
  if redis.call('GET', KEYS[2]) ~= ARGV[1] then return {-1} end
  redis.call('LPOP', KEYS[1])
end
local head = redis.call('LINDEX', KEYS[1], 0)
if head then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
  return {1, head}
end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[4])
return {0}`;

// Gives the lane back with its head still in place (a retry later, or a shutdown).
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

/**
 * What processes one lane's items, in order; throw a retryable error to have the item retried in
 * place. `decoded` is the value the item was encoded from, when the process that accepted it drains
 * it at once (no need to parse what was just serialized); otherwise undefined.
 */
export type LaneHandler = (item: string, decoded?: unknown) => Promise<void>;

export interface LaneAcceptResult {
  duplicate: boolean;
}

/**
 * Ordered, durable lanes: one per conversation (BotKit events) or per desk chat (LiveChat events).
 * An item is acknowledged once it is in its lane's Redis list. The process that appended it then
 * drains the lane itself, right away, when no one else holds the lane: no job hop on the hot path.
 * A lease in Redis makes sure at most one drain runs per lane, on any instance; BullMQ drain jobs
 * are the fallback (retries with backoff, processes without workers, lanes a crash left behind,
 * which the sweeper finds).
 */
@Injectable()
export class LaneInboxService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LaneInboxService.name);
  private readonly handlers = new Map<string, LaneHandler>();
  private readonly running = new Set<Promise<void>>();
  private closing = false;
  /** Lease tokens: unique per process (random prefix) and per drain (counter); no entropy per item. */
  private readonly tokenPrefix = randomBytes(9).toString('base64url');
  private tokens = 0;
  /** The lane scripts of one turn of the event loop go to Redis in one write. */
  private readonly batch: RedisBatch;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    @InjectQueue(QUEUES.events) private readonly queue: Queue<DrainLaneJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.redis.defineCommand('abLaneAccept', { numberOfKeys: 4, lua: ACCEPT });
    this.redis.defineCommand('abLaneStep', { numberOfKeys: 3, lua: STEP });
    this.redis.defineCommand('abLaneRelease', { numberOfKeys: 1, lua: RELEASE });
    this.batch = new RedisBatch(this.redis);
  }

  /** Lanes of a kind are drained by its handler (registered where the processing lives: the workers). */
  register(kind: string, handler: LaneHandler): void {
    this.handlers.set(kind, handler);
  }

  laneOf(kind: string, id: string): string {
    return `${kind}/${id}`;
  }

  inboxKey(lane: string): string {
    return this.keys.key('inbox', lane);
  }

  /** The lanes holding items, scored by when a drain last took a step in them (the sweeper reads it). */
  indexKey(): string {
    return this.keys.key('lanes');
  }

  leaseKey(lane: string): string {
    return this.keys.key('lease', lane);
  }

  /**
   * Appends `item` to the lane unless `dedupeKey` was seen in the last 24 h, and returns once it is
   * stored. If the lane is free, this process drains it in the background. `decoded`: the value
   * `item` encodes, handed to the handler as is when this process drains the item itself.
   */
  async accept(kind: string, id: string, dedupeKey: string, item: string, decoded?: unknown): Promise<LaneAcceptResult> {
    const lane = this.laneOf(kind, id);
    const token = this.nextToken();
    const [accepted, owned, head] = (await this.batch.call('abLaneAccept', [
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
    ])) as [number, number, string?];
    // No head returned: the new item is the lane's only one.
    if (owned === 1) this.startInline(kind, lane, token, head ?? item, head === undefined ? decoded : undefined);
    return { duplicate: accepted === 0 };
  }

  /** Queues a drain job for the lane (at most one waiting per lane). */
  scheduleDrain(lane: string, delayMs = 0): Promise<unknown> {
    return this.queue.add(
      JOBS.drainLane,
      { lane },
      { ...(delayMs > 0 ? { delay: delayMs } : {}), deduplication: { id: `drain.${lane.replace(/:/g, '_')}`, keepLastIfActive: true } },
    );
  }

  /** The drain job: takes the lane if free, then drains it like the receiving process would. */
  async drainJob(job: Job<DrainLaneJob>): Promise<{ handled: number }> {
    const { lane } = job.data;
    const kind = kindOf(lane);
    const handler = this.handlers.get(kind);
    if (!handler) throw new Error(`no handler for lanes of kind "${kind}" in this process`);
    const token = this.nextToken();
    const [claimed, head] = await this.step(lane, token, 'claim');
    // Held elsewhere (that holder drains what is there), or empty: nothing to do here.
    if (claimed !== 1 || head === undefined) return { handled: 0 };
    return this.drain(lane, handler, token, head, job);
  }

  /** Lanes with items whose holder is gone (a crashed process): handed to a drain job. */
  async sweep(staleMs = LEASE_MS / 4): Promise<number> {
    const stale = await this.redis.zrangebyscore(this.indexKey(), '-inf', Date.now() - staleMs, 'LIMIT', 0, 500);
    let handed = 0;
    for (const lane of stale) {
      const [held, length] = await Promise.all([this.redis.exists(this.leaseKey(lane)), this.redis.llen(this.inboxKey(lane))]);
      if (held) continue;
      if (length === 0) {
        await this.redis.zrem(this.indexKey(), lane);
        continue;
      }
      await this.scheduleDrain(lane);
      handed++;
    }
    if (handed) this.logger.warn(`handed ${handed} lane(s) without a holder to drain jobs`);
    return handed;
  }

  /** Lets the drains this process started finish before the stores close (after HTTP stopped feeding them). */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.running]);
  }

  private startInline(kind: string, lane: string, token: string, head: string, decoded: unknown): void {
    const handler = this.handlers.get(kind);
    if (!handler || !this.config.workers.enabled || this.closing) {
      // No processing here: give the lane back and let a worker (here or elsewhere) drain it.
      void this.handOver(lane, token, 0);
      return;
    }
    // After the current turn of the event loop: the acknowledgement this item is waiting for goes
    // out first, before the drain's first synchronous stretch (serializing its query, its request).
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain(lane, handler, token, head, null, decoded))
      .then(() => undefined)
      .catch((error: unknown) => {
        // Redis unreachable mid-drain: the lease expires and the sweeper hands the lane over.
        this.logger.error(`lane drain stopped: ${(error as Error).message}`);
      });
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /**
   * Handles the lane's items in order until it is empty. An item leaves the lane only after it
   * was handled (at least once). A retryable failure keeps it at the head: the lane goes to a drain
   * job, which retries with backoff, so later items never overtake it. A permanent failure, or a
   * drain job's last attempt, gives the item up with a log line.
   */
  private async drain(
    lane: string,
    handler: LaneHandler,
    token: string,
    first: string,
    job: Job<DrainLaneJob> | null,
    firstDecoded?: unknown,
  ): Promise<{ handled: number }> {
    let head: string | undefined = first;
    let decoded = firstDecoded;
    let handled = 0;
    while (head !== undefined) {
      if (job && handled >= JOB_BATCH) {
        await this.handOver(lane, token, 0);
        return { handled };
      }
      try {
        await handler(head, decoded);
      } catch (error) {
        const retryable = (error as { retryable?: unknown }).retryable !== false;
        const lastAttempt = job ? job.attemptsMade + 1 >= (job.opts.attempts ?? 1) : false;
        if (retryable && !lastAttempt) {
          if (job) {
            await this.batch.call('abLaneRelease', [this.leaseKey(lane), token]);
            throw error; // BullMQ retries the job with backoff
          }
          this.logger.warn(`lane ${kindOf(lane)}: an item failed (${(error as Error).message}); retried by a drain job`);
          await this.handOver(lane, token, RETRY_DELAY_MS);
          return { handled };
        }
        this.logger.error(`lane ${kindOf(lane)}: gave up on an item after ${job ? job.attemptsMade + 1 : 1} attempt(s): ${(error as Error).message}`);
      }
      handled++;
      decoded = undefined;
      const [state, next] = await this.step(lane, token, 'next');
      if (state === -1) {
        this.logger.warn(`lane ${kindOf(lane)}: lease lost mid-drain; its new holder continues`);
        return { handled };
      }
      head = state === 1 ? next : undefined;
    }
    return { handled };
  }

  private async handOver(lane: string, token: string, delayMs: number): Promise<void> {
    try {
      await this.batch.call('abLaneRelease', [this.leaseKey(lane), token]);
      await this.scheduleDrain(lane, delayMs);
    } catch (error) {
      // The sweeper finds the lane once the lease is gone.
      this.logger.error(`lane ${kindOf(lane)} not handed over: ${(error as Error).message}`);
    }
  }

  private async step(lane: string, token: string, mode: 'claim' | 'next'): Promise<[number, string?]> {
    const args = [this.inboxKey(lane), this.leaseKey(lane), this.indexKey(), token, LEASE_MS, Date.now(), lane, mode];
    return (await this.batch.call('abLaneStep', args)) as [number, string?];
  }

  private nextToken(): string {
    return `${this.tokenPrefix}.${(this.tokens++).toString(36)}`;
  }
}

function kindOf(lane: string): string {
  const slash = lane.indexOf('/');
  return slash === -1 ? lane : lane.slice(0, slash);
}
