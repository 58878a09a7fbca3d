import Redis from 'ioredis';
import { Client } from 'pg';
import { AgentRepository, hashPassword } from '@agent-bridge/console';
import { InstanceRegistry } from '@agent-bridge/persistence';
import { createTestEnvironment, freePort, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { BridgeProcess } from './bridge-process';
import { simBot, startBridge, startSim } from './bridge-harness';
import { ConsoleClient } from './console-client';

const bot = TEST_BOT.botId;
const PASSWORD = 'correct horse battery staple';
const GRACE_SECONDS = 2;
const CONSOLE = { HANDOFF_PROVIDER: 'console', CONSOLE_AUTO_ASSIGN: 'true', CONSOLE_DISCONNECT_GRACE_SECONDS: String(GRACE_SECONDS) };

interface Row {
  id: string;
  state: string;
  agent_id: string | null;
}

/**
 * Two bridge processes on one database and Redis prefix; an agent's console socket on A; A is
 * killed with SIGKILL, so no disconnect handler runs. B (the one running the jobs) must notice,
 * re-queue the agent's chat after the grace period, and assign nothing to the absent agent.
 */
describe('an instance holding console sockets crashes (real processes, kill -9)', () => {
  let env: TestEnvironment;
  let a: BridgeProcess;
  let b: BridgeProcess;
  let sim: PlatformSim;
  let db: Client;
  let redis: Redis;
  const clients: ConsoleClient[] = [];

  async function conversation(user: string): Promise<Row | undefined> {
    const { rows } = await db.query<Row>(`SELECT id, state, agent_id FROM conversations WHERE visitor_key = $1 AND state <> 'closed'`, [user]);
    return rows[0];
  }

  async function connect(url: string): Promise<ConsoleClient> {
    const { body } = await ConsoleClient.signIn(url, 'ann@example.com', PASSWORD);
    const client = new ConsoleClient(url, body.token);
    clients.push(client);
    await client.connected();
    await client.waitForEvent('session');
    return client;
  }

  /** A position notice is sent by a routing run that found the chat waiting and could not assign it. */
  async function waitsInQueue(user: string): Promise<void> {
    await waitFor(`${user} told their place in the queue`, () => sim.delivered(bot, user).some((m) => m.startsWith('You are number')), 20_000);
    expect(await conversation(user)).toMatchObject({ state: 'queued', agent_id: null });
    expect(sim.delivered(bot, user)).not.toContain('Ann has joined the chat.');
  }

  beforeAll(async () => {
    env = await createTestEnvironment('console_crash');
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    redis = new Redis(env.redisUrl);
    await db.query(`INSERT INTO agents (email, name, role, password_hash, max_chats) VALUES ('ann@example.com', 'Ann', 'agent', $1, 3)`, [await hashPassword(PASSWORD)]);
    // A serves sockets only; B serves HTTP and runs every job, as a bridge beside a worker tier would.
    a = BridgeProcess.forTest(env, String(await freePort()), { ...CONSOLE, RUN_WORKERS: 'false' });
    b = BridgeProcess.forTest(env, String(await freePort()), CONSOLE);
    await Promise.all([a.start(), b.start()]);
    sim = await startSim(b.url, [simBot(bot, TEST_BOT)]);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await sim?.stop();
    await a?.stop();
    await b?.stop();
    await db?.end();
    redis?.disconnect();
    await env?.destroy();
  });

  it('re-queues the absent agent\'s chat after the grace period, assigns nothing to them, and assigns again once they are back', async () => {
    const ann = await connect(a.url);
    const annId = (ann.events('session')[0] as { agent: { id: string } }).agent.id;
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-1' });
    await waitFor('u-1 assigned to Ann', async () => (await conversation('u-1'))?.agent_id === annId, 20_000);
    await waitFor('u-1 told Ann joined', () => sim.delivered(bot, 'u-1').includes('Ann has joined the chat.'), 20_000);

    expect(await a.stop('SIGKILL')).toBeNull();
    const killedAt = Date.now();
    // A hand-off right after the crash, before A's beat is even stale: Ann's socket is still
    // recorded, on an instance whose connection to Redis is gone.
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-2' });
    await waitsInQueue('u-2');

    // Ann's chat goes back to the queue, the same path as a disconnect past the grace period.
    await waitFor('u-1 re-queued', async () => (await conversation('u-1'))?.state === 'queued', 30_000);
    const recoveredMs = Date.now() - killedAt;
    expect(await redis.hget(`${env.keyPrefix}:console:presence`, annId)).toBe('offline');
    const { rows } = await db.query(`SELECT from_state, to_state, reason, actor FROM conversation_transitions WHERE conversation_id = $1 ORDER BY id`, [(await conversation('u-1'))!.id]);
    expect(rows.slice(-1)[0]).toEqual({ from_state: 'assigned', to_state: 'queued', reason: 'agent_left', actor: 'console:grace' });
    await waitFor('u-1 told to wait again', () => sim.delivered(bot, 'u-1').filter((m) => m === 'An agent will be with you shortly.').length === 2, 10_000);
    // The stale period, a reaper tick and the grace period, with room for a busy machine.
    expect(recoveredMs).toBeLessThan(20_000);

    // A hand-off after that waits too: nobody is online.
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-3' });
    await waitsInQueue('u-3');

    // Ann comes back on B: the three waiting chats are hers (max 3).
    await connect(b.url);
    for (const user of ['u-1', 'u-2', 'u-3']) {
      await waitFor(`${user} assigned to Ann`, async () => (await conversation(user))?.agent_id === annId, 20_000);
      await waitFor(`${user} told Ann joined`, () => sim.delivered(bot, user).filter((m) => m === 'Ann has joined the chat.').length === (user === 'u-1' ? 2 : 1), 20_000);
    }
  });
});

/**
 * The window before a reaper runs, made to last: the only process's registry stops beating and
 * reaping, and an agent's socket is recorded on an instance whose last beat is long past.
 */
describe('routing while a dead instance is not reaped yet', () => {
  let env: TestEnvironment;

  beforeAll(async () => {
    env = await createTestEnvironment('console_window');
  });
  afterAll(() => env?.destroy());

  it('does not count a socket held by an instance that stopped beating', async () => {
    const bridge = await startBridge(testConfig(env, { handoff: { provider: 'console' }, console: { autoAssign: true, disconnectGraceSeconds: 60 } }));
    const sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    const redis = new Redis(env.redisUrl);
    let client: ConsoleClient | undefined;
    try {
      const registry = bridge.app.get(InstanceRegistry);
      registry.stop();
      const bo = await bridge.app.get(AgentRepository).create({ email: 'bo@example.com', name: 'Bo', role: 'agent', passwordHash: await hashPassword(PASSWORD) });
      const key = (...parts: string[]): string => [env.keyPrefix, ...parts].join(':');
      await redis.zadd(key('instances'), 1, 'dead-instance');
      await redis.hset(key('console', 'agent-sockets', bo.id), 'socket-of-the-dead', 'dead-instance');
      await redis.hset(key('console', 'instance-sockets', 'dead-instance'), 'socket-of-the-dead', bo.id);
      await redis.hset(key('console', 'presence'), bo.id, 'available');

      await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-window' });
      await waitFor('u-window told their place in the queue', () => sim.delivered(bot, 'u-window').some((m) => m.startsWith('You are number')), 20_000);
      expect(sim.delivered(bot, 'u-window')).not.toContain('Bo has joined the chat.');
      // Nothing reaped it meanwhile: the dead instance's socket is still recorded.
      expect(await redis.hget(key('console', 'agent-sockets', bo.id), 'socket-of-the-dead')).toBe('dead-instance');

      // A live socket of Bo's on this instance, beating again: the chat is his.
      registry.start();
      const { body } = await ConsoleClient.signIn(bridge.url, 'bo@example.com', PASSWORD);
      client = new ConsoleClient(bridge.url, body.token);
      await client.connected();
      await client.waitForEvent('conversation', (c) => c.visitorKey === 'u-window', 20_000);
      await waitFor('u-window told Bo joined', () => sim.delivered(bot, 'u-window').includes('Bo has joined the chat.'), 20_000);
    } finally {
      client?.close();
      redis.disconnect();
      await sim.stop();
      await bridge.close();
    }
  });
});
