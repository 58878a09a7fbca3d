import Redis from 'ioredis';
import { Queue, Worker, type Job } from 'bullmq';
import { DiscoveryService, ModulesContainer } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '@agent-bridge/config';
import { DeadLetterRepository, LaneInboxService, LEASE_MS, type LaneHandlerFor } from '@agent-bridge/events';
import { metrics } from '@agent-bridge/observability';
import { createDataSource, RedisKeys } from '@agent-bridge/persistence';
import { LANE_RETRY, type DrainLaneJob } from '@agent-bridge/queue';
import { createTestEnvironment, testConfig, waitFor, type TestEnvironment } from '@agent-bridge/testing';

/**
 * The ordered lanes on the real Redis, Postgres and BullMQ: two "processes" (two services, two
 * Redis connections) append to the same lanes at once; a drain job worker stands for the workers.
 */
describe('ordered lanes (the receiving process drains and retries; dead letters in Postgres; sweeps take over)', () => {
  let env: TestEnvironment;
  let config: AppConfig;
  let queue: Queue<DrainLaneJob>;
  let worker: Worker<DrainLaneJob>;
  let db: DataSource;
  const connections: Redis[] = [];
  const instances: LaneInboxService[] = [];

  /** What every handler saw, per lane, and the most drains that ever ran at once on one lane. */
  const seen = new Map<string, string[]>();
  const active = new Map<string, number>();
  let maxConcurrent = 0;
  const failOnce = new Set<string>();
  const failAlways = new Set<string>();

  /** Per item: what the handler was given besides the stored text, at each attempt. */
  const decodedSeen = new Map<string, unknown[]>();

  const handler = async (item: string, decoded?: unknown): Promise<void> => {
    const { lane, n } = JSON.parse(item) as { lane: string; n: string };
    decodedSeen.set(n, [...(decodedSeen.get(n) ?? []), decoded]);
    const now = (active.get(lane) ?? 0) + 1;
    active.set(lane, now);
    maxConcurrent = Math.max(maxConcurrent, now);
    try {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
      if (failOnce.delete(n)) throw Object.assign(new Error(`transient failure of ${n}`), { retryable: true });
      if (failAlways.has(n)) throw Object.assign(new Error(`permanent failure of ${n}`), { retryable: false });
      seen.set(lane, [...(seen.get(lane) ?? []), n]);
    } finally {
      active.set(lane, (active.get(lane) ?? 1) - 1);
    }
  };

  const handles = (handle: (item: string, decoded?: unknown) => Promise<void>): LaneHandlerFor => ({ handle });

  function instance(): LaneInboxService {
    const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
    connections.push(redis);
    const lanes = new LaneInboxService(redis, new RedisKeys(config), queue as unknown as Queue, new DeadLetterRepository(db), new DiscoveryService(new ModulesContainer()), config);
    lanes.register('test', handles(handler));
    instances.push(lanes);
    return lanes;
  }

  const item = (lane: string, n: string): string => JSON.stringify({ lane, n });

  beforeAll(async () => {
    env = await createTestEnvironment('lanes');
    config = testConfig(env);
    db = await createDataSource({ url: env.databaseUrl, poolSize: 4 }).initialize();
    const connection = { url: env.redisUrl };
    queue = new Queue('lanes-test', { connection, prefix: env.keyPrefix, defaultJobOptions: { attempts: 5, backoff: { type: 'fixed', delay: 100 } } });
    const drainer = instance();
    worker = new Worker<DrainLaneJob>('lanes-test', (job: Job<DrainLaneJob>) => drainer.drainJob(job), { connection, prefix: env.keyPrefix, concurrency: 5 });
  });

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.beforeApplicationShutdown()));
    await worker?.close();
    await queue?.close();
    for (const c of connections) c.disconnect();
    await db?.destroy();
    await env?.destroy();
  });

  it('handles each lane in order and one item at a time, whichever process appended each item', async () => {
    const [a, b] = [instance(), instance()];
    const lanes = ['test/l1', 'test/l2', 'test/l3'];
    const accepts: Array<Promise<unknown>> = [];
    for (let n = 0; n < 40; n++) {
      for (const lane of lanes) {
        // Appends alternate between the two processes; each lane's order is the order of appends.
        const via = n % 2 === 0 ? a : b;
        accepts.push(via.accept('test', lane.slice('test/'.length), `${lane}:${n}`, item(lane, String(n))));
        await accepts[accepts.length - 1];
      }
    }
    await Promise.all(accepts);
    const expected = Array.from({ length: 40 }, (_, n) => String(n));
    await waitFor('every item handled', () => lanes.every((lane) => (seen.get(lane) ?? []).length === 40));
    for (const lane of lanes) expect(seen.get(lane)).toEqual(expected);
    expect(maxConcurrent).toBe(1);
  });

  it('stores a redelivered item once', async () => {
    const lanes = instance();
    expect(await lanes.accept('test', 'dup', 'dup:1', item('test/dup', 'first'))).toEqual({ duplicate: false });
    expect(await lanes.accept('test', 'dup', 'dup:1', item('test/dup', 'again'))).toEqual({ duplicate: true });
    await lanes.accept('test', 'dup', 'dup:2', item('test/dup', 'second'));
    await waitFor('both items handled', () => (seen.get('test/dup') ?? []).length === 2);
    expect(seen.get('test/dup')).toEqual(['first', 'second']);
  });

  it('retries a failed item in place: later items wait for it', async () => {
    const lanes = instance();
    failOnce.add('r2');
    for (const n of ['r1', 'r2', 'r3']) await lanes.accept('test', 'retry', `retry:${n}`, item('test/retry', n));
    await waitFor('all three handled', () => (seen.get('test/retry') ?? []).length === 3);
    expect(seen.get('test/retry')).toEqual(['r1', 'r2', 'r3']);
    expect(failOnce.has('r2')).toBe(false);
  });

  it('hands its own decoded value to its drain, retries included; a drain job parses the stored text', async () => {
    const lanes = instance();
    const value = { lane: 'test/decoded', n: 'd1' };
    failOnce.add('d1');
    await lanes.accept('test', 'decoded', 'decoded:1', JSON.stringify(value), value);
    await waitFor('handled after its retry', () => (seen.get('test/decoded') ?? []).length === 1);
    expect(decodedSeen.get('d1')).toEqual([value, value]);
    expect(decodedSeen.get('d1')![0]).toBe(value); // the same object, not a parsed copy
    // A lane a drain job takes: what it reads back from Redis.
    const redis = connections[0]!;
    await redis.rpush(lanes.inboxKey('test/by-job'), item('test/by-job', 'j1'));
    await lanes.scheduleDrain('test/by-job');
    await waitFor('handled by the drain job', () => (seen.get('test/by-job') ?? []).length === 1);
    expect(decodedSeen.get('j1')).toEqual([undefined]);
  });

  const deadLetters = async (kind: string): Promise<Array<{ lane: string; item: string; reason: string; error_code: string; attempts: number; state: string }>> =>
    db.query(`SELECT convert_from(lane, 'UTF8') AS lane, convert_from(item, 'UTF8') AS item, reason, error_code, attempts, state FROM lane_dead_letters WHERE kind = $1 ORDER BY created_at`, [kind]);

  it('dead-letters an item refused for good at once, in Postgres, and goes on with the next', async () => {
    const lanes = instance();
    failAlways.add('p2');
    for (const n of ['p1', 'p2', 'p3']) await lanes.accept('test', 'perm', `perm:${n}`, item('test/perm', n));
    await waitFor('the other two handled', () => (seen.get('test/perm') ?? []).length === 2);
    expect(seen.get('test/perm')).toEqual(['p1', 'p3']);
    expect(decodedSeen.get('p2')).toHaveLength(1); // no retry
    const redis = connections[0]!;
    expect(await redis.llen(lanes.inboxKey('test/perm'))).toBe(0);
    expect((await deadLetters('test')).filter((d) => d.lane === 'test/perm')).toEqual([
      { lane: 'test/perm', item: item('test/perm', 'p2'), reason: 'refused', error_code: 'Error', attempts: 1, state: 'dead' },
    ]);
  });

  it('dead-letters what Postgres refuses (a NUL in text) at once, and what keeps failing after a few quick attempts', async () => {
    const lanes = instance();
    const attempts = new Map<string, number>();
    lanes.register('pg', handles(async (raw: string) => {
      const { n, text } = JSON.parse(raw) as { n: string; text: string };
      attempts.set(n, (attempts.get(n) ?? 0) + 1);
      if (n === 'flaky') throw new Error('unexpected');
      await db.query('SELECT $1::text', [text]); // a NUL in a text value: Postgres refuses it (22021)
      seen.set('pg', [...(seen.get('pg') ?? []), n]);
    }));
    const started = Date.now();
    for (const [n, text] of [['a', 'fine'], ['nul', 'bad \u0000 byte'], ['flaky', 'x'], ['b', 'fine too']]) {
      await lanes.accept('pg', 'l', `pg:${n}`, JSON.stringify({ n, text }));
    }
    await waitFor('the good items handled', () => (seen.get('pg') ?? []).length === 2, 15_000);
    // Three waits of 250, 500 and 1000 ms: seconds, not a minute, even on a busy machine.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(seen.get('pg')).toEqual(['a', 'b']);
    expect(attempts.get('nul')).toBe(1);
    expect(attempts.get('flaky')).toBe(LANE_RETRY.attempts);
    const rows = await deadLetters('pg');
    expect(rows.map((d) => [d.reason, d.error_code, d.attempts])).toEqual([
      ['refused', '22021', 1],
      ['failed', 'Error', LANE_RETRY.attempts],
    ]);
    expect(JSON.parse(rows[0]!.item).text).toBe('bad \u0000 byte'); // stored exactly, NUL and all
  });

  it('takes over a lane whose holder died (items, no lease) when swept, and leaves a held lane alone', async () => {
    const lanes = instance();
    const redis = connections[0]!;
    const lane = 'test/orphan';
    // What a process that crashed after storing two items, and before draining them, leaves behind.
    await redis.rpush(lanes.inboxKey(lane), item(lane, 'o1'), item(lane, 'o2'));
    await redis.zadd(lanes.indexKey(), Date.now() - 60_000, lane);
    expect(await lanes.sweep(1000)).toBe(1);
    await waitFor('the orphaned items handled', () => (seen.get(lane) ?? []).length === 2);
    expect(seen.get(lane)).toEqual(['o1', 'o2']);
    await waitFor('the lane freed', async () => (await redis.zscore(lanes.indexKey(), lane)) === null);
    expect(await redis.exists(lanes.leaseKey(lane))).toBe(0);
    // A lane someone holds is left alone.
    await redis.set(lanes.leaseKey('test/held'), 'someone', 'PX', 60_000);
    await redis.rpush(lanes.inboxKey('test/held'), item('test/held', 'h1'));
    await redis.zadd(lanes.indexKey(), Date.now() - 60_000, 'test/held');
    expect(await lanes.sweep(1000)).toBe(0);
    expect(await redis.get(lanes.leaseKey('test/held'))).toBe('someone');
  });

  it('keeps the lane of a handler slower than the lease: renewed, never run twice at once', async () => {
    const [holder, sweeper] = [instance(), instance()];
    const runs: string[] = [];
    let running = 0;
    let overlap = 0;
    const slow = async (raw: string): Promise<void> => {
      running++;
      overlap = Math.max(overlap, running);
      runs.push(raw);
      if (raw === 's1') await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 1.6)); // a desk call that takes its time
      running--;
    };
    holder.register('slowlane', handles(slow));
    sweeper.register('slowlane', handles(slow));
    await holder.accept('slowlane', 's', 'slowlane:1', 's1');
    await holder.accept('slowlane', 's', 'slowlane:2', 's2');
    // The other process sweeps all along, as every instance does: the renewed lease keeps it out.
    const sweeping = setInterval(() => void sweeper.sweep(0).catch(() => undefined), 200);
    try {
      await waitFor('both handled', () => runs.length === 2 && running === 0, 30_000);
    } finally {
      clearInterval(sweeping);
    }
    expect(runs).toEqual(['s1', 's2']);
    expect(overlap).toBe(1);
  }, 40_000);

  it("leaves a lane it is draining itself out of its sweeps: no claim, no lease read, however slow the handler", async () => {
    const lanes = instance();
    const redis = connections[connections.length - 1]!;
    const runs: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    lanes.register('own', handles(async (raw: string) => {
      runs.push(raw);
      await gate;
    }));
    await lanes.accept('own', 'x', 'own:1', 'w1');
    await waitFor('the handler running', () => runs.length === 1);
    // Every claim (alone, or in a RedisBatch pipeline) and every lease read this sweeper sends.
    const sent: unknown[][] = [];
    type Scripted = Record<string, (...args: unknown[]) => unknown>;
    const record = (target: Scripted): void => {
      const step = target.abLaneStep!.bind(target);
      target.abLaneStep = (...args: unknown[]) => (sent.push(args), step(...args));
    };
    const makePipeline = redis.pipeline.bind(redis);
    const pipeline = jest.spyOn(redis, 'pipeline').mockImplementation((...args) => {
      const p = makePipeline(...args);
      record(p as unknown as Scripted);
      return p;
    });
    const get = jest.spyOn(redis, 'get');
    const single = (redis as unknown as Scripted).abLaneStep!;
    record(redis as unknown as Scripted);
    try {
      // Stale at once for a sweep with staleMs 0; other tests' lanes may be swept, never this one.
      await lanes.sweep(0);
      await lanes.sweep(0);
      const touched = (calls: unknown[][]): boolean => calls.some((args) => args.includes(lanes.inboxKey('own/x')) || args.includes(lanes.leaseKey('own/x')));
      expect(touched(sent)).toBe(false);
      expect(touched(get.mock.calls)).toBe(false);
    } finally {
      (redis as unknown as Scripted).abLaneStep = single;
      pipeline.mockRestore();
      get.mockRestore();
      release();
    }
    await waitFor('the lane freed', async () => (await redis.zscore(lanes.indexKey(), 'own/x')) === null);
    expect(runs).toEqual(['w1']);
  });

  it('stops stepping once its lease was taken: the new holder handles the item again, then the rest', async () => {
    const lanes = instance();
    const redis = connections[0]!;
    const runs: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    lanes.register('taken', handles(async (raw: string) => {
      runs.push(raw);
      if (raw === 't1' && runs.length === 1) await gate;
    }));
    await lanes.accept('taken', 'x', 'taken:1', 't1');
    await lanes.accept('taken', 'x', 'taken:2', 't2');
    await waitFor('t1 in its handler', () => runs.length === 1);
    // Another holder took the lane (the old one stalled past its lease): renewal finds it out.
    const lost = async (): Promise<number> => (await metrics.laneLeasesLost.get()).values.find((v) => v.labels.kind === 'taken')?.value ?? 0;
    await redis.set(lanes.leaseKey('taken/x'), 'another-holder', 'PX', 60_000);
    await waitFor('the lost lease noticed', async () => (await lost()) === 1);
    release();
    await lanes.beforeApplicationShutdown(); // its drain has returned
    expect(runs).toEqual(['t1']); // the old holder neither dropped t1 nor went on to t2
    expect(await redis.lrange(lanes.inboxKey('taken/x'), 0, -1)).toEqual(['t1', 't2']);
    // The other holder is gone too: a sweep takes the lane, t1 runs again (at least once), then t2.
    await redis.del(lanes.leaseKey('taken/x'));
    const next = instance();
    next.register('taken', handles(async (raw: string) => void runs.push(raw)));
    expect(await next.sweep(0)).toBe(1);
    await waitFor('the rest handled', () => runs.length === 3);
    expect(runs).toEqual(['t1', 't1', 't2']);
  });

  it('waits for its running drains when the application shuts down', async () => {
    const lanes = instance();
    let finished = false;
    lanes.register('slow', handles(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished = true;
    }));
    await lanes.accept('slow', 's', 'slow:1', 'x');
    await lanes.beforeApplicationShutdown();
    expect(finished).toBe(true);
  });
});
