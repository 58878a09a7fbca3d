import { ConversationRepository, DeskTeamsService } from '@agent-bridge/handoff';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import { ChatwootSim, SANDBOX_DEFAULTS } from '../apps/chatwoot-sim/src';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';

const bot = TEST_BOT.botId;

/**
 * A routed hand-off opens the Chatwoot conversation in the team named by desk_groups.chatwoot
 * (`team_id`); an overflow or a transfer to a team reassigns it (POST .../assignments with team_id).
 */
describe('teams on the Chatwoot desk', () => {
  let env: TestEnvironment;
  let cw: ChatwootSim;
  let bridge: RunningBridge;
  let sim: PlatformSim;

  beforeAll(async () => {
    env = await createTestEnvironment('chatwoot_teams');
    cw = new ChatwootSim({ port: 0, webhookSecret: 'chatwoot-signing-secret-for-tests', log: () => undefined });
    await cw.start();
    bridge = await startBridge(testConfig(env, {
      handoff: { provider: 'chatwoot' },
      chatwoot: { url: cw.url, accountId: SANDBOX_DEFAULTS.accountId, inboxId: SANDBOX_DEFAULTS.inboxId, apiToken: SANDBOX_DEFAULTS.apiToken, webhookSecret: 'path-secret', signingSecret: 'chatwoot-signing-secret-for-tests' },
    }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
  });

  afterAll(async () => {
    await sim?.stop();
    await bridge?.close();
    await cw?.stop();
    await env?.destroy();
  });

  it("opens the conversation in the team's Chatwoot team, and in none without a team", async () => {
    const teams = bridge.app.get(DeskTeamsService);
    const billing = await teams.create({ name: 'Billing', deskGroups: { chatwoot: '2' } });
    if (typeof billing === 'string') throw new Error(billing);
    await teams.replaceRules([{ botId: null, trigger: null, contextPath: 'session.BotUserSession.topic', contextValue: 'invoice', teamId: billing.id }]);
    const refOf = (user: string) => waitFor(`${user}'s Chatwoot conversation`, async () => (await bridge.app.get(ConversationRepository).findActive(bot, user))?.providerRef ?? undefined);

    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-invoice', body: { context: { session: { BotUserSession: { topic: 'invoice' } } } } });
    expect(cw.conversation(Number(await refOf('u-invoice')))!.teamId).toBe(2);

    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-other' });
    expect(cw.conversation(Number(await refOf('u-other')))!.teamId).toBeNull();
  });

  it("reassigns the conversation to the fallback team when it overflows, and out of any team for one without a Chatwoot team", async () => {
    const teams = bridge.app.get(DeskTeamsService);
    const conversations = bridge.app.get(ConversationRepository);
    const support = await teams.create({ name: 'Support', deskGroups: { chatwoot: '1' } });
    if (typeof support === 'string') throw new Error(support);
    const first = await teams.create({ name: 'Billing first line', deskGroups: { chatwoot: '2' }, overflowSeconds: 1, fallbackTeamId: support.id });
    if (typeof first === 'string') throw new Error(first);
    const unmapped = await teams.create({ name: 'Elsewhere' });
    if (typeof unmapped === 'string') throw new Error(unmapped);
    await teams.replaceRules([{ botId: null, trigger: null, contextPath: 'session.BotUserSession.topic', contextValue: 'refund', teamId: first.id }]);

    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-refund', body: { context: { session: { BotUserSession: { topic: 'refund' } } } } });
    const ref = Number(await waitFor('u-refund with its conversation', async () => (await conversations.findActive(bot, 'u-refund'))?.providerRef ?? undefined));
    const moved = await waitFor('u-refund overflowed', async () => {
      const c = await conversations.findActive(bot, 'u-refund');
      return c?.teamId === support.id ? c : null;
    }, 30_000);
    await waitFor('the Chatwoot conversation in team 1', () => cw.conversation(ref)!.teamId === 1 || null, 30_000);
    // What Chatwoot's agents read in the conversation.
    expect(cw.conversation(ref)!.messages.filter((m) => m.messageType === 'activity').map((m) => m.content).at(-1)).toMatch(/support/);

    expect(await teams.moveToTeam(moved, unmapped.id, 'agent:test')).not.toBeNull();
    await waitFor('the Chatwoot conversation in no team', () => cw.conversation(ref)!.teamId === null || null, 30_000);
    expect((await conversations.findActive(bot, 'u-refund'))!.teamId).toBe(unmapped.id);
  });
});
