import Redis from 'ioredis';
import { Queue, Worker, type Job } from 'bullmq';
import type { AppConfig } from '@agent-bridge/config';
import { LaneInboxService } from '@agent-bridge/events';
import { RedisKeys } from '@agent-bridge/persistence';
import type { DrainLaneJob } from '@agent-bridge/queue';
import { createTestEnvironment, testConfig, waitFor, type TestEnvironment } from '@agent-bridge/testing';

/**
 * The ordered lanes on the real Redis and real BullMQ: two "processes" (two services, two Redis
 * connections) append to the same lanes at once; a drain job worker stands for the workers.
 */
describe('ordered lanes (receiving process drains; BullMQ for retries and lanes left behind)', () => {
  let env: TestEnvironment;
  let config: AppConfig;
  let queue: Queue<DrainLaneJob>;
  let worker: Worker<DrainLaneJob>;
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

  function instance(): LaneInboxService {
    const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
    connections.push(redis);
    const lanes = new LaneInboxService(redis, new RedisKeys(config), queue as unknown as Queue, config);
    lanes.register('test', handler);
    instances.push(lanes);
    return lanes;
  }

  const item = (lane: string, n: string): string => JSON.stringify({ lane, n });

  beforeAll(async () => {
    env = await createTestEnvironment('lanes');
    config = testConfig(env);
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

  it('retries a failed item in place through a drain job: later items wait for it', async () => {
    const lanes = instance();
    failOnce.add('r2');
    for (const n of ['r1', 'r2', 'r3']) await lanes.accept('test', 'retry', `retry:${n}`, item('test/retry', n));
    await waitFor('all three handled', () => (seen.get('test/retry') ?? []).length === 3);
    expect(seen.get('test/retry')).toEqual(['r1', 'r2', 'r3']);
    expect(failOnce.has('r2')).toBe(false);
  });

  it('hands its own decoded value to the drain of the process that accepted the item; a drain job parses the stored text', async () => {
    const lanes = instance();
    const value = { lane: 'test/decoded', n: 'd1' };
    failOnce.add('d1');
    await lanes.accept('test', 'decoded', 'decoded:1', JSON.stringify(value), value);
    await waitFor('handled after its retry', () => (seen.get('test/decoded') ?? []).length === 1);
    const attempts = decodedSeen.get('d1')!;
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toBe(value); // the same object, not a parsed copy
    expect(attempts[1]).toBeUndefined(); // the drain job read it back from Redis
  });

  it('gives up an item that fails for good and goes on with the next', async () => {
    const lanes = instance();
    failAlways.add('p2');
    for (const n of ['p1', 'p2', 'p3']) await lanes.accept('test', 'perm', `perm:${n}`, item('test/perm', n));
    await waitFor('the other two handled', () => (seen.get('test/perm') ?? []).length === 2);
    expect(seen.get('test/perm')).toEqual(['p1', 'p3']);
    const redis = connections[0]!;
    expect(await redis.llen(lanes.inboxKey('test/perm'))).toBe(0);
  });

  it('hands a lane whose holder died (items, no lease) to a drain job when swept', async () => {
    const lanes = instance();
    const redis = connections[0]!;
    const lane = 'test/orphan';
    // What a process that crashed after storing two items, and before draining them, leaves behind.
    await redis.rpush(lanes.inboxKey(lane), item(lane, 'o1'), item(lane, 'o2'));
    await redis.zadd(lanes.indexKey(), Date.now() - 60_000, lane);
    expect(await lanes.sweep(1000)).toBe(1);
    await waitFor('the orphaned items handled', () => (seen.get(lane) ?? []).length === 2);
    expect(seen.get(lane)).toEqual(['o1', 'o2']);
    expect(await redis.zscore(lanes.indexKey(), lane)).toBeNull();
    expect(await redis.exists(lanes.leaseKey(lane))).toBe(0);
    // A lane someone holds is left alone.
    await redis.set(lanes.leaseKey('test/held'), 'someone', 'PX', 60_000);
    await redis.rpush(lanes.inboxKey('test/held'), item('test/held', 'h1'));
    await redis.zadd(lanes.indexKey(), Date.now() - 60_000, 'test/held');
    expect(await lanes.sweep(1000)).toBe(0);
  });

  it('drains nothing itself in a process without workers: a drain job does it', async () => {
    const noWorkers = { ...config, workers: { ...config.workers, enabled: false } };
    const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
    connections.push(redis);
    let handledHere = 0;
    const ingest = new LaneInboxService(redis, new RedisKeys(noWorkers), queue as unknown as Queue, noWorkers);
    ingest.register('test', async () => {
      handledHere++;
    });
    instances.push(ingest);
    await ingest.accept('test', 'ingest', 'ingest:1', item('test/ingest', 'i1'));
    await waitFor('handled by the drain job', () => (seen.get('test/ingest') ?? []).length === 1);
    expect(handledHere).toBe(0);
  });

  it('waits for its running drains when the application shuts down', async () => {
    const lanes = instance();
    let finished = false;
    lanes.register('slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished = true;
    });
    await lanes.accept('slow', 's', 'slow:1', 'x');
    await lanes.beforeApplicationShutdown();
    expect(finished).toBe(true);
  });
});
