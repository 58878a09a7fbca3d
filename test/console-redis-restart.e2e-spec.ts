import type { ChildProcess } from 'node:child_process';
import Redis from 'ioredis';
import { Client } from 'pg';
import { hashPassword } from '@agent-bridge/console';
import { createTestEnvironment, freePort, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { BridgeProcess } from './bridge-process';
import { simBot, startSim } from './bridge-harness';
import { ConsoleClient } from './console-client';
import { startRedis, stopRedis } from './own-redis';

const bot = TEST_BOT.botId;
const PASSWORD = 'correct horse battery staple';

/**
 * The console's Redis goes away and comes back empty under a running bridge with an agent
 * connected: the socket.io adapter's clients report the outage through the log (not ioredis's
 * stderr), and the instance rejoins on its next beat, recording its agent's socket and presence
 * again, so a hand-off made afterwards reaches that agent.
 */
describe('console presence over a Redis restart that lost every key (real process)', () => {
  let env: TestEnvironment;
  let redisPort: number;
  let redisServer: ChildProcess;
  let bridge: BridgeProcess;
  let sim: PlatformSim;
  let db: Client;
  let client: ConsoleClient | undefined;

  beforeAll(async () => {
    env = await createTestEnvironment('console_redis_restart');
    redisPort = await freePort();
    redisServer = await startRedis(redisPort);
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    await db.query(`INSERT INTO agents (email, name, role, password_hash) VALUES ('ann@example.com', 'Ann', 'agent', $1)`, [await hashPassword(PASSWORD)]);
    bridge = BridgeProcess.forTest(env, String(await freePort()), {
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      HANDOFF_PROVIDER: 'console',
      CONSOLE_AUTO_ASSIGN: 'true',
    });
    await bridge.start();
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
  });

  afterAll(async () => {
    client?.close();
    await sim?.stop();
    await bridge?.stop('SIGKILL');
    if (redisServer) await stopRedis(redisServer);
    await db?.end();
    await env?.destroy();
  });

  it('reports the adapter clients\' errors through the log and records the agent again once Redis is back', async () => {
    const { body } = await ConsoleClient.signIn(bridge.url, 'ann@example.com', PASSWORD);
    client = new ConsoleClient(bridge.url, body.token);
    await client.connected();
    const session = await client.waitForEvent('session');
    const annId: string = session.agent.id;

    await stopRedis(redisServer);
    const adapterLines = (): string[] => bridge.logs().split('\n').filter((line) => line.includes('socket.io adapter'));
    await waitFor('both adapter clients reported through the log', () => ['publisher', 'subscriber'].every((c) => adapterLines().some((l) => l.includes(`socket.io adapter ${c}`))), 20_000);
    for (const line of adapterLines()) expect(JSON.parse(line)).toMatchObject({ level: 'warn' });

    redisServer = await startRedis(redisPort);
    const redis = new Redis(`redis://127.0.0.1:${redisPort}`);
    try {
      // Rejoined: the socket the bridge still holds is recorded again, and Ann is available.
      await waitFor('the socket recorded again', async () => (await redis.hlen(`${env.keyPrefix}:console:agent-sockets:${annId}`)) === 1, 30_000);
      await waitFor('Ann available again', async () => (await redis.hget(`${env.keyPrefix}:console:presence`, annId)) === 'available', 30_000);
    } finally {
      redis.disconnect();
    }
    // Rate-limited: one report per client while the outage lasted, a few at most.
    expect(adapterLines().length).toBeLessThanOrEqual(8);

    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-after' });
    await client.waitForEvent('conversation', (c) => c.visitorKey === 'u-after' && c.agentId === annId, 30_000);
    await waitFor('u-after told Ann joined', () => sim.delivered(bot, 'u-after').includes('Ann has joined the chat.'), 30_000);
  });
});
