import type { ChildProcess } from 'node:child_process';
import type Redis from 'ioredis';
import { LaneInboxService } from '@agent-bridge/events';
import { ConversationRepository, TranscriptRepository } from '@agent-bridge/handoff';
import { REDIS } from '@agent-bridge/persistence';
import { createTestEnvironment, freePort, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import { LiveChatSim } from '../apps/livechat-sim/src';
import { livechatSettings, registerSandboxWebhooks } from './livechat-harness';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { startRedis, stopRedis } from './own-redis';

const bot = TEST_BOT.botId;

/**
 * The bridge's Redis goes away while the agent writes: LiveChat's webhooks are refused (503) and
 * retried later, after newer ones. The first webhook accepted once Redis is back waits for a
 * catch-up in each open chat's lane, so the user still gets every message once, in order.
 */
describe('LiveChat webhooks refused during a Redis outage (a Redis of the test\'s own)', () => {
  let env: TestEnvironment;
  let lc: LiveChatSim;
  let redisPort: number;
  let redis: ChildProcess;
  let bridge: RunningBridge;
  let sim: PlatformSim;

  beforeAll(async () => {
    env = await createTestEnvironment('lc_redis_outage');
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    // Retries come late, as LiveChat's do: well after the newer messages that follow the outage.
    lc = new LiveChatSim({ port: 0, agents: [{ id: 'alice@example.com', name: 'Alice Agent', online: true }], webhooks: { timeoutMs: 2000, retryDelaysMs: [4000, 8000] }, log: () => undefined });
    await lc.start();
    bridge = await startBridge(testConfig(env, {
      redis: { url: `redis://127.0.0.1:${redisPort}`, keyPrefix: env.keyPrefix },
      handoff: { provider: 'livechat' },
      livechat: livechatSettings(lc),
    }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    await registerSandboxWebhooks(lc, bridge.url);
  }, 60_000);

  afterAll(async () => {
    await sim?.stop();
    if (redis.exitCode !== null || redis.signalCode !== null) redis = await startRedis(redisPort);
    await bridge?.close();
    await lc?.stop();
    if (redis) await stopRedis(redis);
    await env?.destroy();
  }, 60_000);

  it('the missed messages arrive before the newer ones, each once', async () => {
    const user = 'u-lc-redis';
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: user });
    const conversations = bridge.app.get(ConversationRepository);
    const chatId = await waitFor('a LiveChat chat', async () => (await conversations.findActive(bot, user))?.providerRef, 15_000);
    lc.agentJoin(chatId, 'alice@example.com');
    await sim.waitForDelivered(bot, user, 2, 15_000);

    await stopRedis(redis);
    const missed = ['m1', 'm2', 'm3'];
    for (const text of missed) lc.agentSays(chatId, text, 'alice@example.com');
    const ofChat = (d: { action: string; body: unknown }): boolean => d.action === 'incoming_event' && JSON.stringify(d.body).includes(chatId);
    await lc.waitForDeliveries((d) => ofChat(d) && d.attempts.some((a) => a.status === 503), missed.length, 15_000);
    redis = await startRedis(redisPort);
    // Newer messages, sent once Redis is back and before LiveChat's retries of the missed ones.
    const newer = ['n1', 'n2'];
    for (const text of newer) lc.agentSays(chatId, text, 'alice@example.com');
    const expected = [...missed, ...newer];
    await sim.waitForDelivered(bot, user, 2 + expected.length, 30_000);
    // Every webhook of the chat answered (the retries included): nothing more can come.
    await waitFor('webhooks answered', () => (lc.webhookDeliveries().some((d) => ofChat(d) && d.state === 'pending') ? null : true), 30_000);
    const lanes = bridge.app.get(LaneInboxService);
    const store = bridge.app.get<Redis>(REDIS);
    await waitFor('the lane drained', async () => ((await store.llen(lanes.inboxKey(lanes.laneOf('livechat', chatId)))) === 0 ? true : null), 15_000);
    const transcript = bridge.app.get(TranscriptRepository);
    const conversation = (await conversations.findActive(bot, user))!;
    await waitFor('nothing pending for the user', async () => ((await transcript.list(conversation.id)).some((m) => m.direction === 'to_user' && m.deliveryState === 'pending') ? null : true), 15_000);
    expect(sim.delivered(bot, user).slice(2)).toEqual(expected);
  }, 90_000);
});
