import { DeskTeamsService, ConversationRepository } from '@agent-bridge/handoff';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import { LiveChatSim } from '../apps/livechat-sim/src';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { livechatSettings } from './livechat-harness';

const bot = TEST_BOT.botId;

/** A routed hand-off opens the LiveChat chat in the team's group (`chat.access.group_ids`), as the sandbox records it. */
describe('teams on the LiveChat desk', () => {
  let env: TestEnvironment;
  let lc: LiveChatSim;
  let bridge: RunningBridge;
  let sim: PlatformSim;

  beforeAll(async () => {
    env = await createTestEnvironment('livechat_teams');
    lc = new LiveChatSim({ port: 0, agents: [{ id: 'alice@example.com', name: 'Alice Agent', online: true }], groupIds: [7], log: () => undefined });
    await lc.start();
    bridge = await startBridge(testConfig(env, { handoff: { provider: 'livechat' }, livechat: livechatSettings(lc) }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
  });

  afterAll(async () => {
    await sim?.stop();
    await bridge?.close();
    await lc?.stop();
    await env?.destroy();
  });

  it("starts the chat in the team's group, and in the default group without a team", async () => {
    const teams = bridge.app.get(DeskTeamsService);
    const vip = await teams.create({ name: 'VIP', deskGroups: { livechat: '7' } });
    if (typeof vip === 'string') throw new Error(vip);
    await teams.replaceRules([{ botId: null, trigger: null, contextPath: 'session.BotUserSession.tier', contextValue: 'vip', teamId: vip.id }]);

    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-vip', body: { context: { session: { BotUserSession: { tier: 'vip' } } } } });
    const routed = await waitFor('VIP session with its chat', async () => (await bridge.app.get(ConversationRepository).findActive(bot, 'u-vip'))?.providerRef ?? undefined);
    expect(lc.chat(routed)!.groupIds).toEqual([7]);

    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-plain' });
    const plain = await waitFor('plain session with its chat', async () => (await bridge.app.get(ConversationRepository).findActive(bot, 'u-plain'))?.providerRef ?? undefined);
    // No access given: LiveChat puts the chat in group 0 (General).
    expect(lc.chat(plain)!.groupIds).toEqual([0]);
  });
});
