import { DataSource } from 'typeorm';
import type { BotkitPayload } from '@agent-bridge/botkit';
import type { Team } from '@agent-bridge/desk-port';
import { ConversationRepository, DeskTeamsService, TeamRouter } from '@agent-bridge/handoff';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { LoopbackDesk } from './loopback-desk.client';

const bot = TEST_BOT.botId;
const LANGUAGE = 'session.BotUserSession.language';

/**
 * Routing at hand-off, on two instances of the bridge sharing Postgres and Redis: rules are edited
 * through instance A and a transfer reaching instance B is routed by them at once.
 */
describe('teams: routing rules at hand-off', () => {
  let env: TestEnvironment;
  let a: RunningBridge;
  let b: RunningBridge;
  let simB: PlatformSim;
  let desk: LoopbackDesk;
  let german: Team;
  let french: Team;

  const teamsA = (): DeskTeamsService => a.app.get(DeskTeamsService);

  async function transfer(user: string, language: string | null, extra: { componentId?: string } = {}): Promise<{ teamId: string | null; detail: unknown; chatTeam: unknown }> {
    const context = language === null ? {} : { session: { BotUserSession: { language } } };
    await simB.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: user, body: { context }, ...(extra.componentId ? { componentId: extra.componentId, route: 'component' as const } : {}) });
    const conversation = await waitFor(`session of ${user}`, () => b.app.get(ConversationRepository).findActive(bot, user));
    const chat = await desk.chatFor(user);
    return { teamId: conversation.teamId, detail: conversation.handoffDetail, chatTeam: chat.team };
  }

  /** B's routing reloads from the ChangeBus message; the test waits for it, not a fixed time. */
  async function bRoutes(language: string, teamId: string | null): Promise<void> {
    const payload = { __payloadClass: 'OnAgentTransferPayload', requestId: 'probe', botId: bot, context: { session: { BotUserSession: { language } } } } as unknown as BotkitPayload;
    await waitFor(`instance B routes ${language} to ${teamId}`, async () => ((await b.app.get(TeamRouter).choose(bot, 'agent_transfer', payload))?.id ?? null) === teamId || undefined);
  }

  beforeAll(async () => {
    env = await createTestEnvironment('teams-routing');
    const config = testConfig(env, { handoff: { keywords: ['human'] } });
    a = await startBridge(config);
    b = await startBridge(config);
    simB = await startSim(b.url, [simBot(bot, TEST_BOT)]);
    desk = new LoopbackDesk(b.url);
  });

  afterAll(async () => {
    await simB?.stop();
    await a?.close();
    await b?.close();
    await env?.destroy();
  });

  it('sends a hand-off with no matching rule to the general queue', async () => {
    // B has read the (empty) rules before any edit, so what follows proves the reload.
    expect(await transfer('u-none', 'de')).toEqual({ teamId: null, detail: null, chatTeam: null });
  });

  it('routes by a Kore context variable to two teams, rules edited on the other instance', async () => {
    const created = await teamsA().create({ name: 'German', deskGroups: { loopback: 'grp-de' } });
    const other = await teamsA().create({ name: 'French' });
    if (typeof created === 'string' || typeof other === 'string') throw new Error(`teams not created: ${String(created)} ${String(other)}`);
    [german, french] = [created, other];
    const rules = await teamsA().replaceRules([
      { botId: 'st-some-other-bot', trigger: null, contextPath: LANGUAGE, contextValue: 'de', teamId: french.id },
      { botId: null, trigger: null, contextPath: LANGUAGE, contextValue: 'de', teamId: german.id },
      { botId: bot, trigger: 'agent_transfer', contextPath: LANGUAGE, contextValue: 'fr', teamId: french.id },
    ]);
    expect(Array.isArray(rules) && rules.map((r) => r.position)).toEqual([0, 1, 2]);
    await bRoutes('de', german.id);

    expect(await transfer('u-de', 'de')).toEqual({ teamId: german.id, detail: null, chatTeam: { id: german.id, name: 'German', deskGroup: 'grp-de' } });
    expect(await transfer('u-fr', 'fr')).toEqual({ teamId: french.id, detail: null, chatTeam: { id: french.id, name: 'French', deskGroup: null } });
    expect((await transfer('u-es', 'es')).teamId).toBeNull();
    expect((await transfer('u-nolang', null)).teamId).toBeNull();
  });

  it('keeps why the user was handed over: the node, the keyword, the tone', async () => {
    expect((await transfer('u-node', 'fr', { componentId: 'dlg-transfer-billing' })).detail).toEqual({ node: 'dlg-transfer-billing' });

    await simB.userSays(bot, 'u-keyword', 'I want a human please');
    const byKeyword = await waitFor('keyword session', () => b.app.get(ConversationRepository).findActive(bot, 'u-keyword'));
    expect([byKeyword.trigger, byKeyword.handoffDetail]).toEqual(['keyword', { keyword: 'human' }]);
    // The fr rule holds for agent transfers only.
    expect(byKeyword.teamId).toBeNull();

    await simB.userSays(bot, 'u-tone', 'this is useless', { tone: { name: 'angry', level: 3 } });
    const byTone = await waitFor('tone session', () => b.app.get(ConversationRepository).findActive(bot, 'u-tone'));
    expect([byTone.trigger, byTone.handoffDetail]).toEqual(['tone', { tone: 'angry', level: 3 }]);
  });

  it('skips a deactivated team: the next matching rule, else the general queue', async () => {
    expect(await teamsA().update(german.id, { active: false })).toMatchObject({ active: false });
    await bRoutes('de', null);
    expect((await transfer('u-de-2', 'de')).teamId).toBeNull();
    const [row] = await a.app.get(DataSource).query(`SELECT team_id, handoff_detail FROM conversations WHERE visitor_key = 'u-de'`);
    // The chat routed before keeps its team.
    expect(row.team_id).toBe(german.id);
  });

  it('refuses a duplicate name, a fallback to itself or to no team, and a rule naming no team', async () => {
    expect(await teamsA().create({ name: 'german' })).toBe('name_taken');
    expect(await teamsA().update(french.id, { fallbackTeamId: french.id })).toBe('bad_fallback');
    expect(await teamsA().update(french.id, { fallbackTeamId: '00000000-0000-4000-8000-000000000000' })).toBe('bad_fallback');
    expect(await teamsA().replaceRules([{ botId: null, trigger: null, contextPath: null, contextValue: null, teamId: '00000000-0000-4000-8000-000000000000' }])).toBe('bad_team');
    // The refused list left the rules as they were.
    expect((await teamsA().rules()).length).toBe(3);
  });
});
