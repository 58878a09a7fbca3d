import { Client } from 'pg';
import Redis, { Cluster } from 'ioredis';
import { createTestEnvironment, freePort, LOOPBACK_SECRET, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { BridgeProcess } from './bridge-process';
import { simBot, startSim } from './bridge-harness';
import { OwnCluster } from './own-redis';
import { addPeople, agentOn, relayAcrossBridges } from './redis-pubsub';
import { soak } from './redis-soak';
import type { ConsoleClient } from './console-client';

const USERS = 3;
const MESSAGES = 30;

/**
 * Redis Cluster: three masters of the test's own. The key prefix is a hash tag, so each lane script's
 * keys and each BullMQ queue's keys share a slot; the bridge relays both ways through lanes, BullMQ
 * jobs (timers, deliveries) and pub/sub as on one Redis.
 */
describe('Redis Cluster: three masters', () => {
  let env: TestEnvironment;
  let cluster: OwnCluster;
  let bridge: BridgeProcess;
  let sim: PlatformSim;
  let db: Client;
  let client: Cluster;
  let prefix: string;

  beforeAll(async () => {
    env = await createTestEnvironment('redis_cluster');
    prefix = `{${env.keyPrefix}}`;
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    cluster = await OwnCluster.start();
    client = new Cluster(cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })));
    bridge = BridgeProcess.forTest(env, String(await freePort()), {
      HANDOFF_PROVIDER: 'loopback',
      LOOPBACK_SECRET,
      REDIS_URL: 'redis://127.0.0.1',
      REDIS_CLUSTER_NODES: cluster.nodeList,
      REDIS_KEY_PREFIX: prefix,
    });
    await bridge.start(60_000);
    sim = await startSim(bridge.url, [simBot(TEST_BOT.botId, TEST_BOT)]);
  }, 180_000);

  afterAll(async () => {
    client?.disconnect();
    await sim?.stop();
    await bridge?.stop();
    await cluster?.stop();
    await db?.end();
    await env?.destroy();
  });

  it('refuses to start with a key prefix that is not a hash tag, naming the setting', async () => {
    const bad = BridgeProcess.forTest(env, String(await freePort()), { REDIS_URL: 'redis://127.0.0.1', REDIS_CLUSTER_NODES: cluster.nodeList, REDIS_KEY_PREFIX: env.keyPrefix });
    await expect(bad.start(30_000)).rejects.toThrow(/REDIS_KEY_PREFIX must hold a hash tag/);
  }, 60_000);

  it('relays both ways through lanes, BullMQ and pub/sub, once and in order', async () => {
    const result = await soak({ bridgeUrl: bridge.url, sim, db, users: USERS, messages: MESSAGES });
    expect(result.total).toBe(USERS * MESSAGES * 2);

    // The cluster is real: three masters, the slots spread over them.
    const masters = client.nodes('master');
    expect(masters).toHaveLength(3);
    // Every key of the bridge is in the prefix's slot, on one master, BullMQ's queues with them.
    const keys = (await Promise.all(masters.map((m: Redis) => m.keys(`${prefix}:*`)))).flat();
    // The lane accept script's dedupe keys (the lanes themselves are drained and gone), one per event.
    expect(keys.filter((k) => k.startsWith(`${prefix}:dedupe:`)).length).toBeGreaterThanOrEqual(USERS * (MESSAGES + 1));
    expect(keys.some((k) => k.startsWith(`${prefix}:bull:handoff-sessions:`))).toBe(true);
    const holders = await Promise.all(masters.map(async (m: Redis) => (await m.keys(`${prefix}:*`)).length));
    expect(holders.filter((n) => n > 0)).toHaveLength(1);
    // Session timers are BullMQ jobs in the cluster: each session has its keep-alive scheduler.
    const schedulers = await client.zcard(`${prefix}:bull:handoff-sessions:repeat`);
    expect(schedulers).toBeGreaterThanOrEqual(USERS);
    await waitFor('the bridge ready', async () => (await fetch(`${bridge.url}/health/ready`)).status === 200, 30_000);
  }, 300_000);
});

describe('Redis Cluster: pub/sub between two bridge processes (console desk)', () => {
  let env: TestEnvironment;
  let cluster: OwnCluster;
  let a: BridgeProcess;
  let b: BridgeProcess;
  let sim: PlatformSim;
  let db: Client;
  let agent: ConsoleClient | undefined;

  beforeAll(async () => {
    env = await createTestEnvironment('redis_cluster_pubsub');
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    await addPeople(db);
    cluster = await OwnCluster.start();
    const settings = { HANDOFF_PROVIDER: 'console', CONSOLE_AUTO_ASSIGN: 'true', REDIS_URL: 'redis://127.0.0.1', REDIS_CLUSTER_NODES: cluster.nodeList, REDIS_KEY_PREFIX: `{${env.keyPrefix}}` };
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
    await cluster?.stop();
    await db?.end();
    await env?.destroy();
  });

  it('carries console events, user messages and settings changes from one bridge to the other', async () => {
    agent = await agentOn(a);
    await expect(relayAcrossBridges(agent, a, b, sim, 'u-cluster', 30)).resolves.toBeUndefined();
  }, 240_000);
});
