import Redis from 'ioredis';
import { createTestEnvironment, freePort, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startSim } from './bridge-harness';
import { BridgeProcess } from './bridge-process';

const bot = TEST_BOT.botId;
/** The platform answers this slowly while a bridge is killed: the bridge is inside its handler then. */
const SLOW_PLATFORM_MS = 3000;

/**
 * A conversation whose lane a bridge held when it was killed (-9, real OS processes): it flows again
 * within 10 s on another running instance, and within 5 s of a restart when it runs alone.
 */
describe('lane takeover after kill -9', () => {
  let env: TestEnvironment;
  let sim: PlatformSim;
  let redis: Redis;
  const bridges: BridgeProcess[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment('takeover');
    sim = await startSim('http://127.0.0.1:1', [simBot(bot, TEST_BOT)]);
    redis = new Redis(env.redisUrl);
  });
  afterAll(async () => {
    for (const b of bridges) await b.stop('SIGKILL');
    redis?.disconnect();
    await sim?.stop();
    await env?.destroy();
  });

  async function bridgeOn(port: string): Promise<BridgeProcess> {
    const bridge = BridgeProcess.forTest(env, port, {});
    bridges.push(bridge);
    await bridge.start(30_000);
    return bridge;
  }

  /** The messages the bot received from this user, in order, each once (a redelivery after a crash may repeat one). */
  const toBot = (user: string): string[] =>
    sim.calls({ fn: 'sendBotMessage', userId: user }).map((c) => String(c.body?.message)).filter((m, i, all) => all.indexOf(m) === i);

  /** Sends two messages to `bridge` and returns once it holds their lane, inside the handler of the first (the platform is slow). */
  async function holdLane(bridge: BridgeProcess, user: string, first: string, second: string): Promise<void> {
    sim.setBridgeUrl(bridge.url);
    sim.setLatency(SLOW_PLATFORM_MS);
    expect((await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: user, message: first })).status).toBe(200);
    expect((await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: user, message: second })).status).toBe(200);
    await waitFor('the lane held', async () => (await redis.keys(`${env.keyPrefix}:lease:botkit/*`)).length === 1);
  }

  it('flows again within 10 s on another running instance, without any restart', async () => {
    const [a, b] = [await bridgeOn(String(await freePort())), await bridgeOn(String(await freePort()))];
    await holdLane(a, 'u-crash', 'c1', 'c2');
    await a.stop('SIGKILL');
    const killedAt = Date.now();
    sim.setLatency(0);
    sim.setBridgeUrl(b.url);
    expect((await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-crash', message: 'c3' })).status).toBe(200);
    await waitFor('the conversation flowing again', () => toBot('u-crash').includes('c3'), 15_000, 50);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(toBot('u-crash')).toEqual(['c1', 'c2', 'c3']);
    await b.stop();
  }, 90_000);

  it('flows again within 5 s of a restart when the killed bridge ran alone', async () => {
    const port = String(await freePort());
    const first = await bridgeOn(port);
    await holdLane(first, 'u-restart', 'r1', 'r2');
    await first.stop('SIGKILL');
    sim.setLatency(0);
    const restarted = await bridgeOn(port);
    const upAt = Date.now();
    expect((await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-restart', message: 'r3' })).status).toBe(200);
    await waitFor('the conversation flowing again', () => toBot('u-restart').includes('r3'), 15_000, 50);
    expect(Date.now() - upAt).toBeLessThan(5000);
    expect(toBot('u-restart')).toEqual(['r1', 'r2', 'r3']);
    await restarted.stop();
  }, 90_000);
});
