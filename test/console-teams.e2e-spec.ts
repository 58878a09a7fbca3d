import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { AgentRepository, hashPassword, type Agent } from '@agent-bridge/console';
import { ConversationRepository } from '@agent-bridge/handoff';
import { QUEUES } from '@agent-bridge/queue';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { ConsoleClient } from './console-client';

const bot = TEST_BOT.botId;
const PASSWORD = 'correct horse battery staple';
const LANGUAGE = 'session.BotUserSession.language';

/** Teams on the console desk: admin API and roles, per-team queues, least-loaded assignment within a team, overflow. */
describe('console teams (real Postgres, Redis, BullMQ, socket.io, platform sandbox)', () => {
  let env: TestEnvironment;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let ann: Agent;
  let ben: Agent;
  let carl: Agent;
  const tokens: Record<string, string> = {};
  const clients: ConsoleClient[] = [];
  const team: Record<string, string> = {};

  async function api(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${bridge.url}/console/api/admin${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  const admin = (method: string, path: string, body?: unknown) => api(method, path, tokens.admin!, body);

  async function connect(email: string): Promise<ConsoleClient> {
    const { body } = await ConsoleClient.signIn(bridge.url, email, PASSWORD);
    const client = new ConsoleClient(bridge.url, body.token);
    clients.push(client);
    await client.connected();
    await client.waitForEvent('session');
    return client;
  }

  async function transfer(user: string, language: string): Promise<string> {
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: user, body: { context: { session: { BotUserSession: { language } } } } });
    return (await waitFor(`session of ${user}`, () => bridge.app.get(ConversationRepository).findActive(bot, user))).id;
  }

  const conversation = (id: string) => bridge.app.get(ConversationRepository).findById(id);
  const lastQueue = (client: ConsoleClient): string[] => (client.events('queue').at(-1)?.items ?? []).map((i: { conversationId: string }) => i.conversationId);

  beforeAll(async () => {
    env = await createTestEnvironment('console_teams');
    bridge = await startBridge(testConfig(env, { handoff: { provider: 'console' }, console: { autoAssign: true, disconnectGraceSeconds: 30 } }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    const agents = bridge.app.get(AgentRepository);
    const hash = await hashPassword(PASSWORD);
    await agents.create({ email: 'ada@example.com', name: 'Ada', role: 'admin', passwordHash: hash });
    ann = await agents.create({ email: 'ann@example.com', name: 'Ann', role: 'agent', passwordHash: hash, maxChats: 3 });
    ben = await agents.create({ email: 'ben@example.com', name: 'Ben', role: 'agent', passwordHash: hash, maxChats: 3 });
    carl = await agents.create({ email: 'carl@example.com', name: 'Carl', role: 'agent', passwordHash: hash, maxChats: 3 });
    await agents.create({ email: 'sue@example.com', name: 'Sue', role: 'supervisor', passwordHash: hash });
    for (const [who, email] of [['admin', 'ada'], ['agent', 'ann'], ['supervisor', 'sue']] as const) {
      tokens[who] = (await ConsoleClient.signIn(bridge.url, `${email}@example.com`, PASSWORD)).body.token;
    }
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await sim?.stop();
    await bridge?.close();
    await env?.destroy();
  });

  it('keeps team and routing routes to admins: 401 signed out, 403 for agents and supervisors', async () => {
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/teams'],
      ['POST', '/teams', { name: 'Sneaky' }],
      ['PATCH', '/teams/00000000-0000-4000-8000-000000000000', { name: 'Sneaky' }],
      ['PUT', '/teams/00000000-0000-4000-8000-000000000000/members', { agentIds: [] }],
      ['GET', '/routing-rules'],
      ['PUT', '/routing-rules', { items: [] }],
    ];
    for (const [method, path, body] of routes) {
      expect([method, path, (await api(method, path, null, body)).status]).toEqual([method, path, 401]);
      expect([method, path, (await api(method, path, tokens.agent!, body)).status]).toEqual([method, path, 403]);
      expect([method, path, (await api(method, path, tokens.supervisor!, body)).status]).toEqual([method, path, 403]);
    }
    expect((await admin('GET', '/teams')).body).toEqual({ items: [] });
  });

  it('creates teams with members, refuses bad input with 4xx, and saves the ordered rules', async () => {
    const de = await admin('POST', '/teams', { name: 'German', members: [ann.id, ben.id], deskGroups: { livechat: 2 } });
    expect(de.status).toBe(201);
    expect(de.body.item).toMatchObject({ name: 'German', active: true, members: [ann.id, ben.id], deskGroups: { livechat: '2' } });
    const fr = await admin('POST', '/teams', { name: 'French', members: [carl.id] });
    const es = await admin('POST', '/teams', { name: 'Spanish' });
    [team.de, team.fr, team.es] = [de.body.item.id, fr.body.item.id, es.body.item.id];

    expect((await admin('POST', '/teams', { name: 'german' })).status).toBe(409);
    expect((await admin('POST', '/teams', { name: '' })).status).toBe(400);
    expect((await admin('POST', '/teams', { name: 'X', colour: 'red' })).status).toBe(400);
    expect((await admin('PATCH', `/teams/${team.es}`, { fallbackTeamId: team.es })).status).toBe(400);
    expect((await admin('PATCH', `/teams/${team.es}`, { overflowSeconds: 0 })).status).toBe(400);
    expect((await admin('PATCH', '/teams/not-an-id', { name: 'Y' })).status).toBe(404);
    expect((await admin('PUT', `/teams/${team.es}/members`, { agentIds: ['00000000-0000-4000-8000-000000000000'] })).status).toBe(400);
    expect((await admin('PUT', '/routing-rules', { items: [{ contextPath: LANGUAGE, teamId: team.de }] })).status).toBe(400);
    expect((await admin('PUT', '/routing-rules', { items: [{ contextPath: 'a..b', contextValue: 'x', teamId: team.de }] })).status).toBe(400);

    // Spanish chats wait 1 s, then go to the French team.
    expect((await admin('PATCH', `/teams/${team.es}`, { overflowSeconds: 1, fallbackTeamId: team.fr })).body.item).toMatchObject({ overflowSeconds: 1, fallbackTeamId: team.fr });
    const rules = await admin('PUT', '/routing-rules', {
      items: ['de', 'fr', 'es'].map((language) => ({ botId: null, trigger: null, contextPath: LANGUAGE, contextValue: language, teamId: team[language] })),
    });
    expect(rules.status).toBe(200);
    expect(rules.body.items.map((r: { contextValue: string; position: number }) => [r.contextValue, r.position])).toEqual([['de', 0], ['fr', 1], ['es', 2]]);
    expect((await admin('GET', '/routing-rules')).body.items).toHaveLength(3);
  });

  it("shows each agent only the general queue and their teams' queues, and refuses another team's chat", async () => {
    const [a, c] = [await connect('ann@example.com'), await connect('carl@example.com')];
    for (const client of [a, c]) expect(await client.call('presence:set', { status: 'away' })).toEqual({ ok: true });
    const de = await transfer('u-de-1', 'de');
    const fr = await transfer('u-fr-1', 'fr');
    await waitFor('ann sees the German chat', () => lastQueue(a).includes(de) || undefined);
    await waitFor('carl sees the French chat', () => lastQueue(c).includes(fr) || undefined);
    expect(lastQueue(a)).not.toContain(fr);
    expect(lastQueue(c)).not.toContain(de);
    const item = a.events('queue').at(-1).items.find((i: { conversationId: string }) => i.conversationId === de);
    expect(item).toMatchObject({ teamId: team.de, teamName: 'German', position: 1 });
    expect(await a.call('queue:accept', { conversationId: fr })).toEqual({ ok: false, error: 'other_team' });
    // Each user was told their place in their own team's queue.
    await sim.waitForDelivered(bot, 'u-fr-1', 2);
    expect((await sim.waitForDelivered(bot, 'u-fr-1', 2)).some((text: string) => text.startsWith('You are number 1 in the queue'))).toBe(true);
  });

  it('assigns a team chat to the least-loaded available member of that team only', async () => {
    // Ann alone of the German team is online: she takes the German chat waiting from the test before.
    const a = await connect('ann@example.com');
    await a.call('presence:set', { status: 'available' });
    const first = await bridge.app.get(ConversationRepository).findActive(bot, 'u-de-1');
    await waitFor('German chat to Ann', async () => ((await conversation(first!.id))?.agentId === ann.id) || undefined);
    // Carl is French: the French chat is his, never a German one.
    const c = await connect('carl@example.com');
    await c.call('presence:set', { status: 'available' });
    await waitFor('French chat to Carl', async () => ((await bridge.app.get(ConversationRepository).findActive(bot, 'u-fr-1'))?.agentId === carl.id) || undefined);
    // Ben joins with no chat: the next German chat is his, Ann having one.
    const b = await connect('ben@example.com');
    await b.call('presence:set', { status: 'available' });
    const second = await transfer('u-de-2', 'de');
    await waitFor('second German chat assigned', async () => (await conversation(second))?.agentId ?? undefined);
    expect((await conversation(second))!.agentId).toBe(ben.id);
  });

  it('moves a chat waiting past its team overflow time to the fallback team, once, and never back round a loop', async () => {
    const c = await connect('carl@example.com');
    await c.call('presence:set', { status: 'away' });
    // French falls back to Spanish: Spanish -> French -> Spanish would loop.
    expect((await admin('PATCH', `/teams/${team.fr}`, { overflowSeconds: 1, fallbackTeamId: team.es })).status).toBe(200);
    const id = await transfer('u-es-1', 'es');
    expect((await conversation(id))!.teamId).toBe(team.es);
    await waitFor('overflowed to French', async () => ((await conversation(id))?.teamId === team.fr) || undefined, 15_000);
    await waitFor('carl sees it in the French queue', () => lastQueue(c).includes(id) || undefined);

    const sessions = bridge.app.get<Queue>(getQueueToken(QUEUES.sessions));
    const back = await waitFor('the French overflow ran', async () => {
      const jobs = await sessions.getJobs(['completed']);
      return jobs.find((j) => j?.name === 'team-overflow' && j.data.conversationId === id && j.data.teamId === team.fr);
    }, 15_000);
    expect(back.returnvalue).toEqual({ skipped: 'fallback visited' });
    expect((await conversation(id))!.teamId).toBe(team.fr);
    const transitions = await bridge.app.get(ConversationRepository).transitions(id);
    expect(transitions.filter((t) => t.reason === 'overflow').map((t) => [t.from, t.to, t.actor])).toEqual([['queued', 'queued', 'system:overflow']]);

    // The French member takes it.
    await c.call('presence:set', { status: 'available' });
    await waitFor('assigned to Carl', async () => ((await conversation(id))?.agentId === carl.id) || undefined);
  });

  it("offers an agent the global canned responses and their own teams', live when an admin adds one", async () => {
    const [a, c] = [await connect('ann@example.com'), await connect('carl@example.com')];
    expect((await api('POST', '/canned-responses', tokens.admin!, { shortcut: 'hallo', title: 'Hallo', text: 'Guten Tag!', teamId: team.de })).status).toBe(201);
    expect((await api('POST', '/canned-responses', tokens.admin!, { shortcut: 'hello', title: 'Hello', text: 'Hello there!' })).status).toBe(201);
    expect((await api('POST', '/canned-responses', tokens.admin!, { shortcut: 'x', title: 'X', text: 'x', teamId: '00000000-0000-4000-8000-000000000000' })).status).toBe(400);
    const shortcuts = (items: Array<{ shortcut: string }>) => items.map((i) => i.shortcut).sort();
    // Each open console got its own list pushed.
    await a.waitForEvent('canned', (d) => shortcuts(d.items).join() === 'hallo,hello');
    await c.waitForEvent('canned', (d) => shortcuts(d.items).join() === 'hello');
    expect(shortcuts((await a.call('canned:list', {})).items)).toEqual(['hallo', 'hello']);
    expect(shortcuts((await c.call('canned:list', {})).items)).toEqual(['hello']);
  });

  it('transfers a chat to a team: it leaves the agent and waits in that team for its members', async () => {
    const a = await connect('ann@example.com');
    const list = await a.call('agents:list', {});
    expect(list.teams.map((t: { name: string }) => t.name).sort()).toEqual(['French', 'German', 'Spanish']);
    const mine = await bridge.app.get(ConversationRepository).findActive(bot, 'u-de-1');
    expect(mine!.agentId).toBe(ann.id);
    expect(await a.call('conversation:transfer', { conversationId: mine!.id, toTeamId: team.fr })).toMatchObject({ ok: true, conversation: { state: 'queued', teamId: team.fr } });
    await a.waitForEvent('conversation:closed', (d) => d.conversationId === mine!.id && d.reason === 'transferred');
    // Carl (French) is assigned it once he is online.
    const c = await connect('carl@example.com');
    await c.call('presence:set', { status: 'available' });
    await waitFor('the French member takes it', async () => ((await conversation(mine!.id))?.agentId === carl.id) || undefined);
  });
});
