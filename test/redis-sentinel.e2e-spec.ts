import type Redis from 'ioredis';
import { Client } from 'pg';
import { createTestEnvironment, freePort, LOOPBACK_SECRET, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { BridgeProcess } from './bridge-process';
import { simBot, startSim } from './bridge-harness';
import { OwnSentinelSet, SENTINEL_MASTER } from './own-redis';
import type { ConsoleClient } from './console-client';
import { addPeople, agentOn, relayAcrossBridges } from './redis-pubsub';
import { soak } from './redis-soak';

const USERS = 3;
const MESSAGES = 40;

/**
 * Redis as production runs it with Sentinel: a primary, a replica and three sentinels of the test's
 * own. The primary is killed in the middle of traffic both ways, while its replica lags behind (frozen);
 * the bridge, never restarted, follows
 * the sentinels to the promoted replica, and no message is lost or doubled (it waits for a replica to
 * have each accepted event before answering 200, and answers 503 when none has, so the sender retries).
 */
describe('Redis Sentinel: the primary killed mid-soak', () => {
  let env: TestEnvironment;
  let redis: OwnSentinelSet;
  let bridge: BridgeProcess;
  let sim: PlatformSim;
  let db: Client;

  beforeAll(async () => {
    env = await createTestEnvironment('redis_sentinel');
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    redis = await OwnSentinelSet.start();
    bridge = BridgeProcess.forTest(env, String(await freePort()), {
      HANDOFF_PROVIDER: 'loopback',
      LOOPBACK_SECRET,
      // The host of REDIS_URL is not used: the sentinels name the primary.
      REDIS_URL: 'redis://127.0.0.1',
      REDIS_SENTINELS: redis.sentinelList,
      REDIS_SENTINEL_NAME: SENTINEL_MASTER,
    });
    await bridge.start(60_000);
    sim = await startSim(bridge.url, [simBot(TEST_BOT.botId, TEST_BOT)]);
  }, 180_000);

  afterAll(async () => {
    await sim?.stop();
    await bridge?.stop();
    await redis?.stop();
    await db?.end();
    await env?.destroy();
  });

  it('loses and doubles nothing either way, in order, and needs no restart of the bridge', async () => {
    const pid = bridge.pid;
    let failover: { old: number; current: number } | undefined;
    const result = await soak({
      onFailure: () => bridge.logs().split('\n').slice(-60).join('\n'),
      bridgeUrl: bridge.url,
      sim,
      db,
      users: USERS,
      messages: MESSAGES,
      midway: {
        after: Math.round(USERS * MESSAGES * 0.35),
        run: async (progress) => {
          // u-0's lane cannot drain (its session row locked in the test's database), so what the bridge
          // accepts for u-0 waits in Redis; and the replica is behind when the primary dies: without a
          // replica's acknowledgement before the 200, those accepted messages die with the primary.
          const holder = new Client({ connectionString: env.databaseUrl });
          await holder.connect();
          try {
            await holder.query('BEGIN');
            await holder.query(`SELECT id FROM conversations WHERE visitor_key = 'u-0' AND state <> 'closed' FOR UPDATE`);
            const held = async (primary: Redis): Promise<number> => {
              const lanes = await primary.keys(`${env.keyPrefix}:inbox:*|u-0`);
              return lanes.length === 0 ? 0 : (await Promise.all(lanes.map((lane) => primary.llen(lane)))).reduce((a, b) => a + b, 0);
            };
            let before: { held: number; refused: number } | undefined;
            // Until u-0 has three more messages held on the primary alone, or, when the bridge waits
            // for a replica, three requests were refused instead.
            failover = await redis.failover(async (primary) => {
              const now = { held: await held(primary), refused: progress.refusals() };
              before ??= now;
              return now.held >= before.held + 3 || now.refused >= before.refused + 3;
            });
          } finally {
            await holder.query('ROLLBACK').catch(() => undefined);
            await holder.end();
          }
          // Its supervisor restarts the dead node; the sentinels would make it a replica of the new primary.
          await redis.restartAsReplica(failover.old, failover.current);
        },
      },
    });
    expect(failover).toBeDefined();
    expect(failover!.current).not.toBe(failover!.old);
    // The failover came in the middle of the traffic.
    expect(result.midwayAt).toBeGreaterThan(0);
    expect(result.midwayAt).toBeLessThan(result.total);
    // Same process all along, and ready on the new primary.
    expect(bridge.pid).toBe(pid);
    await waitFor('the bridge ready', async () => (await fetch(`${bridge.url}/health/ready`)).status === 200, 30_000);
    console.log(`sentinel soak: ${result.total} messages, ${result.refusals} refused and retried, failover after ${result.midwayAt}`);
  }, 300_000);
});

describe('Redis Sentinel: pub/sub between two bridge processes before and after a failover (console desk)', () => {
  let env: TestEnvironment;
  let redis: OwnSentinelSet;
  let a: BridgeProcess;
  let b: BridgeProcess;
  let sim: PlatformSim;
  let db: Client;
  let agent: ConsoleClient | undefined;

  beforeAll(async () => {
    env = await createTestEnvironment('redis_sentinel_pubsub');
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    await addPeople(db);
    redis = await OwnSentinelSet.start();
    const settings = { HANDOFF_PROVIDER: 'console', CONSOLE_AUTO_ASSIGN: 'true', REDIS_URL: 'redis://127.0.0.1', REDIS_SENTINELS: redis.sentinelList, REDIS_SENTINEL_NAME: SENTINEL_MASTER };
    a = BridgeProcess.forTest(env, String(await freePort()), settings);
    b = BridgeProcess.forTest(env, String(await freePort()), settings);
    await a.start(60_000);
    await b.start(60_000);
    sim = await startSim(b.url, [simBot(TEST_BOT.botId, TEST_BOT)]);
  }, 180_000);

  afterAll(async () => {
    agent?.close();
    await sim?.stop();
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
    await db?.end();
    await env?.destroy();
  });

  it('carries console events, user messages and settings changes between the bridges on the new primary, the same sockets and processes', async () => {
    const pids = [a.pid, b.pid];
    agent = await agentOn(a);
    await relayAcrossBridges(agent, a, b, sim, 'u-before');
    const { old, current } = await redis.failover();
    await redis.restartAsReplica(old, current);
    // The subscriptions followed the sentinels to the new primary: the same socket on A hears what B does.
    await expect(relayAcrossBridges(agent, a, b, sim, 'u-after')).resolves.toBeUndefined();
    expect([a.pid, b.pid]).toEqual(pids);
  }, 300_000);
});
