import { DeskTeamsService, ConversationRepository } from '@agent-bridge/handoff';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import { LiveChatSim, SANDBOX_DEFAULTS } from '../apps/livechat-sim/src';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { livechatSettings } from './livechat-harness';

const bot = TEST_BOT.botId;

/**
 * A routed hand-off opens the LiveChat chat in the team's group (`chat.access.group_ids`), as the
 * sandbox records it; an overflow or a transfer to a team moves it (Agent Chat API `transfer_chat`).
 */
describe('teams on the LiveChat desk', () => {
  let env: TestEnvironment;
  let lc: LiveChatSim;
  let bridge: RunningBridge;
  let sim: PlatformSim;

  beforeAll(async () => {
    env = await createTestEnvironment('livechat_teams');
    lc = new LiveChatSim({ port: 0, agents: [{ id: 'alice@example.com', name: 'Alice Agent', online: true }], groupIds: [7, 8], log: () => undefined });
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

  it("moves the chat to the fallback team's group when it overflows, and to General for a team without one", async () => {
    const teams = bridge.app.get(DeskTeamsService);
    const conversations = bridge.app.get(ConversationRepository);
    const late = await teams.create({ name: 'Late shift', deskGroups: { livechat: '8' } });
    if (typeof late === 'string') throw new Error(late);
    const early = await teams.create({ name: 'Early shift', deskGroups: { livechat: '7' }, overflowSeconds: 1, fallbackTeamId: late.id });
    if (typeof early === 'string') throw new Error(early);
    const plain = await teams.create({ name: 'No LiveChat group' });
    if (typeof plain === 'string') throw new Error(plain);
    await teams.replaceRules([{ botId: null, trigger: null, contextPath: 'session.BotUserSession.shift', contextValue: 'early', teamId: early.id }]);

    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-early', body: { context: { session: { BotUserSession: { shift: 'early' } } } } });
    const ref = await waitFor('u-early with its chat', async () => (await conversations.findActive(bot, 'u-early'))?.providerRef ?? undefined);
    // Started in the early shift's group; the overflow moves the engine's chat and LiveChat's.
    const moved = await waitFor('u-early overflowed', async () => {
      const c = await conversations.findActive(bot, 'u-early');
      return c?.teamId === late.id ? c : null;
    }, 30_000);
    expect(moved.state).toBe('queued');
    await waitFor('the LiveChat chat in group 8', () => (lc.chat(ref)!.groupIds[0] === 8) || null, 30_000);
    expect(lc.chat(ref)!.groupIds).toEqual([8]);
    expect(lc.chat(ref)!.active).toBe(true);
    // What LiveChat's agents see in the chat.
    expect(lc.chat(ref)!.threads.at(-1)!.events.filter((e) => e.system_message_type === 'chat_transferred').map((e) => e.text)).toEqual([
      `${SANDBOX_DEFAULTS.accountId} transferred the chat to group 8`,
    ]);

    // A transfer to a team that has no LiveChat group: LiveChat's General group. LiveChat refuses the
    // first six calls (more than one job attempt's in-call retries): the job's next attempt moves it.
    lc.failNext('transfer_chat', 'service_unavailable', 6);
    expect(await teams.moveToTeam(moved, plain.id, 'agent:test')).not.toBeNull();
    await waitFor('the LiveChat chat in General', () => (lc.chat(ref)!.groupIds[0] === 0) || null, 30_000);
    expect(lc.chat(ref)!.groupIds).toEqual([0]);
    expect((lc.state().faults as { failNext: unknown[] }).failNext).toEqual([]);
  });
});

/** The legacy v2 desk: chat/start's `group` puts a routed hand-off in its team's group. */
describe('teams on the LiveChat v2 desk', () => {
  const LICENCE = '1520';
  let env: TestEnvironment;
  let lc: LiveChatSim;
  let bridge: RunningBridge;
  let sim: PlatformSim;

  beforeAll(async () => {
    env = await createTestEnvironment('livechat_v2_teams');
    lc = new LiveChatSim({ port: 0, licenseId: LICENCE, groupIds: [5], log: () => undefined });
    await lc.start();
    bridge = await startBridge(testConfig(env, { handoff: { provider: 'livechat-v2' }, livechat: { apiUrl: lc.url, licenseId: LICENCE, v2PollSeconds: 1 } }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
  });

  afterAll(async () => {
    await sim?.stop();
    await bridge?.close();
    await lc?.stop();
    await env?.destroy();
  });

  const chatOf = (user: string) => lc.waitForChat((c) => c.kind === 'v2' && (c.visitorId ?? '').startsWith(`kore-${user}-`), 30_000);

  it("starts the chat in the team's group, and in General without a team", async () => {
    const teams = bridge.app.get(DeskTeamsService);
    const sales = await teams.create({ name: 'Sales', deskGroups: { 'livechat-v2': '5' } });
    if (typeof sales === 'string') throw new Error(sales);
    await teams.replaceRules([{ botId: null, trigger: null, contextPath: 'session.BotUserSession.topic', contextValue: 'buy', teamId: sales.id }]);

    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-buy', body: { context: { session: { BotUserSession: { topic: 'buy' } } } } });
    expect((await chatOf('u-buy')).groupIds).toEqual([5]);
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-ask' });
    expect((await chatOf('u-ask')).groupIds).toEqual([0]);
  });
});
