import Redis from 'ioredis';
import type { AppConfig } from '@agent-bridge/config';
import { InstanceRegistry, RedisKeys } from '@agent-bridge/persistence';
import { createTestEnvironment, waitFor, type TestEnvironment } from '@agent-bridge/testing';

const TIMING = { beatMs: 100, staleMs: 3000 };

async function redisMs(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** The registry against the real Redis: beats, a reaper that runs once per dead instance, healing after a flush. */
describe('instance registry', () => {
  let env: TestEnvironment;
  let redis: Redis;
  let keys: RedisKeys;
  const registries: InstanceRegistry[] = [];

  async function registry(): Promise<InstanceRegistry> {
    const created = new InstanceRegistry(redis, keys, TIMING);
    registries.push(created);
    await created.onModuleInit();
    return created;
  }

  beforeAll(async () => {
    env = await createTestEnvironment('instance_registry');
    redis = new Redis(env.redisUrl);
    keys = new RedisKeys({ redis: { url: env.redisUrl, keyPrefix: env.keyPrefix } } as AppConfig);
  });

  afterEach(async () => {
    for (const r of registries.splice(0)) await r.onApplicationShutdown();
    await redis.del(keys.key('instances'), keys.key('instances', 'releasing'), keys.key('instances', 'reaper'));
  });

  afterAll(async () => {
    redis?.disconnect();
    await env?.destroy();
  });

  it('counts an instance live while it beats and holds its connection; a dead one stops counting at once and is released once', async () => {
    const survivor = await registry();
    const doomed = await registry();
    const released: string[] = [];
    survivor.onRelease(async (id) => void released.push(id));
    survivor.start();
    doomed.start();
    const live = await survivor.liveInstances();
    expect(live).toEqual(new Set([survivor.id, doomed.id]));

    // A crash: no more beats, and its connections close.
    await doomed.onApplicationShutdown();
    expect((await survivor.liveInstances()).has(doomed.id)).toBe(false);
    await waitFor('the dead instance released', () => released.length > 0, 10_000);
    expect(released).toEqual([doomed.id]);
    // Later reaps find nothing more to release.
    for (let i = 0; i < 3; i++) await survivor.tick();
    expect(released).toEqual([doomed.id]);
    expect(await redis.zscore(keys.key('instances'), doomed.id)).toBeNull();
    expect(await survivor.liveInstances()).toEqual(new Set([survivor.id]));
  });

  it('never reaps an instance that keeps beating', async () => {
    const a = await registry();
    const b = await registry();
    const released: string[] = [];
    for (const r of [a, b]) r.onRelease(async (id) => void released.push(id));
    const [idA, idB] = [a.id, b.id];
    // Until well past the stale period (Redis's clock), each beating as the other reaps.
    const start = await redisMs(redis);
    await waitFor('twice the stale period', async () => {
      await Promise.all([a.tick(), b.tick()]);
      return (await redisMs(redis)) - start > 2 * TIMING.staleMs;
    }, 30_000, TIMING.beatMs);
    expect(released).toEqual([]);
    expect([a.id, b.id]).toEqual([idA, idB]);
  });

  it('releases a dead instance again when a release failed (a release is retried until it succeeds)', async () => {
    const reaper = await registry();
    const attempts: string[] = [];
    reaper.onRelease(async (id) => {
      attempts.push(id);
      if (attempts.length === 1) throw new Error('Redis went away mid-release');
    });
    // An instance whose last beat is long past, as after a crash nobody saw.
    await redis.zadd(keys.key('instances'), 1, 'dead-one');
    await reaper.tick();
    expect(attempts).toEqual(['dead-one']);
    expect(await redis.sismember(keys.key('instances', 'releasing'), 'dead-one')).toBe(1);
    await reaper.tick();
    expect(attempts).toEqual(['dead-one', 'dead-one']);
    expect(await redis.sismember(keys.key('instances', 'releasing'), 'dead-one')).toBe(0);
    await reaper.tick();
    expect(attempts).toHaveLength(2);
  });

  it('releases a dead instance once when several reap at the same moment (one reaper at a time)', async () => {
    const reapers = [await registry(), await registry(), await registry(), await registry()];
    const released: string[] = [];
    for (const r of reapers) r.onRelease(async (id) => {
      // A release that takes a while, so that the others try while it runs.
      await redis.ping();
      released.push(id);
    });
    await redis.zadd(keys.key('instances'), 1, 'dead-two');
    for (let round = 0; round < 3; round++) await Promise.all(reapers.map((r) => r.tick()));
    expect(released).toEqual(['dead-two']);
  });

  it('rejoins under a new id when its registration is gone (Redis emptied), and tells its rejoin handlers', async () => {
    const r = await registry();
    const rejoined: string[] = [];
    r.onRejoin(async (id) => void rejoined.push(id));
    const before = r.id;
    await redis.del(keys.key('instances'));
    expect(await r.liveInstances()).toEqual(new Set());
    await r.tick();
    expect(r.id).not.toBe(before);
    expect(rejoined).toEqual([r.id]);
    expect(await r.liveInstances()).toEqual(new Set([r.id]));
  });
});
