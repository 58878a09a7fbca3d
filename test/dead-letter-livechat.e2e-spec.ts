import { DataSource } from 'typeorm';
import { LaneInboxService } from '@agent-bridge/events';
import { ConversationRepository, TranscriptRepository } from '@agent-bridge/handoff';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import { LiveChatSim } from '../apps/livechat-sim/src';
import { livechatSettings, registerSandboxWebhooks } from './livechat-harness';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';

const bot = TEST_BOT.botId;

/**
 * An agent's message on a LiveChat chat lane that Postgres refuses (a NUL byte): dead-lettered at
 * once, the agent's next message reaches the user, and both sides hear one was lost. The item is
 * put straight into the chat's lane, as the webhook route would.
 */
describe('dead letters on a LiveChat chat lane', () => {
  let env: TestEnvironment;
  let lc: LiveChatSim;
  let bridge: RunningBridge;
  let sim: PlatformSim;

  beforeAll(async () => {
    env = await createTestEnvironment('dead_letter_lc');
    lc = new LiveChatSim({ port: 0, agents: [{ id: 'alice@example.com', name: 'Alice Agent', online: true }], webhooks: { timeoutMs: 2000, retryDelaysMs: [200, 400, 800] }, log: () => undefined });
    await lc.start();
    bridge = await startBridge(
      testConfig(env, {
        handoff: { provider: 'livechat' },
        livechat: livechatSettings(lc),
      }),
    );
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    await registerSandboxWebhooks(lc, bridge.url);
  });
  afterAll(async () => {
    await sim?.stop();
    await bridge?.close();
    await lc?.stop();
    await env?.destroy();
  });

  it('dead-letters an agent message Postgres refuses, lets the next one through, and tells both sides', async () => {
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-lc-poison' });
    const conversation = await waitFor('a LiveChat chat', async () => {
      const c = await bridge.app.get(ConversationRepository).findActive(bot, 'u-lc-poison');
      return c?.providerRef ? c : null;
    });
    const chatId = conversation.providerRef!;
    lc.agentJoin(chatId, 'alice@example.com');
    await sim.waitForDelivered(bot, 'u-lc-poison', 2);
    await waitFor('the notices marked delivered', async () =>
      !(await bridge.app.get(TranscriptRepository).list(conversation.id)).some((m) => m.direction === 'to_user' && m.deliveryState === 'pending'),
    );

    const job = {
      action: 'incoming_event',
      payload: { chat_id: chatId, event: { id: 'poisoned-1', type: 'message', text: 'zq-sentinel \u0000 text', author_id: 'alice@example.com', created_at: new Date().toISOString() } },
      receivedAt: Date.now(),
    };
    await bridge.app.get(LaneInboxService).accept('livechat', chatId, `lc.ev.${chatId}.poisoned-1`, JSON.stringify(job), job);
    lc.agentSays(chatId, 'the next agent message', 'alice@example.com');

    const delivered = await waitFor('the next message and the notice delivered', () => {
      const seen = sim.delivered(bot, 'u-lc-poison');
      return seen.includes('the next agent message') && seen.includes('A message from the agent could not be delivered to you.') ? seen : null;
    });
    expect(delivered.join('\n')).not.toContain('zq-sentinel');
    await waitFor('the agent told', () =>
      lc.customerEvents(chatId).some((e) => e.type === 'message' && e.text === '[agent-bridge] A message could not be delivered to the user.'),
    );
    const rows = await bridge.app.get(DataSource).query(`SELECT kind, reason, error_code, state FROM lane_dead_letters`);
    expect(rows).toEqual([{ kind: 'livechat', reason: 'refused', error_code: '22021', state: 'dead' }]);
  });
});
