import { ConversationRepository, TranscriptRepository } from '@agent-bridge/handoff';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import { LiveChatSim } from '../apps/livechat-sim/src';
import { LIVECHAT_SECRET, livechatSettings, registerSandboxWebhooks } from './livechat-harness';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { WorkerProcess } from './worker-process';

const bot = TEST_BOT.botId;
const OPS = `Basic ${Buffer.from('ops:test-ops-password').toString('base64')}`;

/**
 * RUN_WORKERS=false and one worker process (`npm run start:worker`), which is then killed: the
 * bridge keeps relaying both ways inline, stays ready, and reports the missing worker to ops.
 */
describe('the worker tier: a bridge with RUN_WORKERS=false outlives its only worker', () => {
  let env: TestEnvironment;
  let lc: LiveChatSim;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let worker: WorkerProcess;

  beforeAll(async () => {
    env = await createTestEnvironment('worker_tier');
    lc = new LiveChatSim({ port: 0, agents: [{ id: 'alice@example.com', name: 'Alice Agent', online: true }], webhooks: { timeoutMs: 2000, retryDelaysMs: [200, 400, 800] }, log: () => undefined });
    await lc.start();
    const livechat = livechatSettings(lc);
    bridge = await startBridge(testConfig(env, { workers: { enabled: false, concurrency: 20 }, handoff: { provider: 'livechat' }, livechat }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    await registerSandboxWebhooks(lc, bridge.url);
    worker = new WorkerProcess({
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl,
      REDIS_KEY_PREFIX: env.keyPrefix,
      PUBLIC_URL: bridge.url,
      KORE_CLIENT_ID: TEST_BOT.clientId,
      KORE_CLIENT_SECRET: TEST_BOT.clientSecret,
      HANDOFF_PROVIDER: 'livechat',
      LIVECHAT_API_URL: lc.url,
      LIVECHAT_ACCOUNTS_URL: lc.url,
      LIVECHAT_ORGANIZATION_ID: livechat.organizationId,
      LIVECHAT_CLIENT_ID: livechat.clientId,
      LIVECHAT_CLIENT_SECRET: livechat.clientSecret,
      LIVECHAT_REFRESH_TOKEN: livechat.refreshToken,
      LIVECHAT_WEBHOOK_SECRET: LIVECHAT_SECRET,
      LOG_LEVEL: 'warn',
    });
    await worker.start();
  }, 60_000);

  afterAll(async () => {
    await worker?.kill();
    await sim?.stop();
    await bridge?.close();
    await lc?.stop();
    await env?.destroy();
  });

  const summary = async () => (await fetch(`${bridge.url}/ops/api/summary`, { headers: { authorization: OPS } })).json();
  const customerTexts = (chatId: string): string[] => lc.customerEvents(chatId).flatMap((e) => (e.type === 'message' && typeof e.text === 'string' ? [e.text] : []));

  it('relays both ways, and stays ready, after the only worker was killed', async () => {
    // While the worker runs: the hand-off, with its notices to the user (delivery jobs).
    await waitFor('the worker seen', async () => ((await summary()).noWorker.length === 0 ? true : null));
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-tier' });
    const conversation = await waitFor('a LiveChat chat', async () => {
      const c = await bridge.app.get(ConversationRepository).findActive(bot, 'u-tier');
      return c?.providerRef ? c : null;
    });
    lc.agentJoin(conversation.providerRef!, 'alice@example.com');
    expect(await sim.waitForDelivered(bot, 'u-tier', 2)).toEqual(['An agent will be with you shortly.', 'Alice Agent has joined the chat.']);
    // ...and marked delivered: a message for the user then goes at once, with no drain job.
    await waitFor('the notices marked delivered', async () => {
      const messages = await bridge.app.get(TranscriptRepository).list(conversation.id);
      return messages.some((m) => m.direction === 'to_user' && m.deliveryState === 'pending') ? null : true;
    });

    await worker.kill('SIGKILL');
    await waitFor('no worker left', async () => ((await summary()).noWorker.includes('handoff-delivery') ? true : null));

    const ready = await fetch(`${bridge.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', info: { postgres: { status: 'up' }, redis: { status: 'up' } } });

    const chatId = conversation.providerRef!;
    await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-tier', message: 'to the agent, no worker' });
    await waitFor('the user message on the desk', () => customerTexts(chatId).includes('to the agent, no worker'));
    lc.agentSays(chatId, 'to the user, no worker', 'alice@example.com');
    expect(await sim.waitForDelivered(bot, 'u-tier', 3)).toEqual(['An agent will be with you shortly.', 'Alice Agent has joined the chat.', 'to the user, no worker']);
  }, 60_000);

  it('shows the missing worker as a metric and an ops alert', async () => {
    const metrics = await (await fetch(`${bridge.url}/metrics`, { headers: { authorization: 'Bearer test-metrics-token' } })).text();
    expect(metrics).toMatch(/ab_queue_workers\{queue="botkit-events"\} 0/);
    expect(metrics).toMatch(/ab_queue_workers\{queue="handoff-sessions"\} 0/);
    expect((await summary()).noWorker).toEqual(expect.arrayContaining(['botkit-events', 'handoff-sessions', 'handoff-delivery']));
    const page = await (await fetch(`${bridge.url}/ops`, { headers: { authorization: OPS } })).text();
    expect(page).toMatch(/role="alert">No worker is consuming [^<]*handoff-sessions/);
  });
});
