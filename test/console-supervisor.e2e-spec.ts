import { request } from 'node:http';
import { AgentRepository, hashPassword, type Agent } from '@agent-bridge/console';
import { ConversationRepository, DeskTeamsService, HandoffService, TranscriptRepository } from '@agent-bridge/handoff';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { ConsoleClient } from './console-client';

const bot = TEST_BOT.botId;
const PASSWORD = 'correct horse battery staple';
const MISSING = '00000000-0000-4000-8000-000000000000';
/** What Chromium sends when a page is opened, and when a page's script fetches. */
const NAVIGATE = { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate', accept: 'text/html,application/xhtml+xml' };
const BROWSER_FETCH = { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', accept: 'application/json' };

/** The supervisors' board and actions over socket.io and REST, who may use them, and the ops sign-in. */
describe('console supervision', () => {
  let env: TestEnvironment;
  let bridge: RunningBridge;
  let second: RunningBridge;
  let sim: PlatformSim;
  let ann: Agent;
  let ben: Agent;
  let sue: Agent;
  const tokens: Record<string, string> = {};
  const clients: ConsoleClient[] = [];

  async function signIn(email: string): Promise<string> {
    const { status, body } = await ConsoleClient.signIn(bridge.url, email, PASSWORD);
    expect(status).toBe(200);
    return body.token;
  }

  async function connect(token: string, url = bridge.url, auth: Record<string, unknown> = {}): Promise<ConsoleClient> {
    const client = new ConsoleClient(url, token, auth);
    clients.push(client);
    await client.connected();
    await client.waitForEvent('session');
    return client;
  }

  async function api(method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
    const h: Record<string, string> = { ...headers };
    if (token !== null) h.authorization = `Bearer ${token}`;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(`${bridge.url}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // HTML pages stay text.
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  async function queued(user: string): Promise<string> {
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: user });
    return (await waitFor('queued', () => bridge.app.get(ConversationRepository).findActive(bot, user))).id;
  }

  async function assignedTo(client: ConsoleClient, user: string): Promise<string> {
    const id = await queued(user);
    expect((await client.call('queue:accept', { conversationId: id })).ok).toBe(true);
    return id;
  }

  /** Resolves with everything the user got, once `text` is among it. */
  const userGot = (user: string, text: string) => waitFor(`"${text}" delivered to ${user}`, () => (sim.delivered(bot, user).includes(text) ? sim.delivered(bot, user) : null), 15_000);

  beforeAll(async () => {
    env = await createTestEnvironment('console_supervisor');
    const config = testConfig(env, { handoff: { provider: 'console' }, console: { autoAssign: false, disconnectGraceSeconds: 30 } });
    bridge = await startBridge(config);
    // A second instance with no workers: board changes made on the first reach sockets held here.
    second = await startBridge({ ...config, workers: { enabled: false, concurrency: 1 } });
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    const agents = bridge.app.get(AgentRepository);
    const hash = await hashPassword(PASSWORD);
    await agents.create({ email: 'ada@example.com', name: 'Ada', role: 'admin', passwordHash: hash });
    ann = await agents.create({ email: 'ann@example.com', name: 'Ann', role: 'agent', passwordHash: hash, maxChats: 3 });
    ben = await agents.create({ email: 'ben@example.com', name: 'Ben', role: 'agent', passwordHash: hash, maxChats: 1 });
    sue = await agents.create({ email: 'sue@example.com', name: 'Sue', role: 'supervisor', passwordHash: hash });
    for (const [key, email] of [['admin', 'ada'], ['ann', 'ann'], ['ben', 'ben'], ['sue', 'sue']] as const) tokens[key] = await signIn(`${email}@example.com`);
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await sim?.stop();
    await second?.close();
    await bridge?.close();
    await env?.destroy();
  });

  describe('roles', () => {
    const ROUTES: Array<[string, string, unknown?]> = [
      ['GET', '/console/api/supervisor/board'],
      ['POST', `/console/api/supervisor/conversations/${MISSING}/whisper`, { text: 'psst' }],
      ['POST', `/console/api/supervisor/conversations/${MISSING}/take-over`, {}],
      ['POST', `/console/api/supervisor/conversations/${MISSING}/reassign`, { agentId: MISSING }],
    ];

    it('refuses the supervisor routes to the signed-out (401) and to agents (403), in the documented shape', async () => {
      for (const [method, path, body] of ROUTES) {
        for (const [token, status] of [[null, 401], ['not-a-token', 401], [tokens.ann!, 403]] as const) {
          const res = await api(method, path, token, body);
          expect([method, path, res.status]).toEqual([method, path, status]);
          expect(res.body).toEqual({ errors: [{ msg: expect.any(String), code: status }] });
        }
      }
      // A supervisor gets through to the route itself: an unknown conversation is a 404.
      expect((await api('POST', `/console/api/supervisor/conversations/${MISSING}/take-over`, tokens.sue!, {})).status).toBe(404);
      expect((await api('GET', '/console/api/supervisor/board', tokens.sue!)).status).toBe(200);
    });

    it('keeps the admin routes from supervisors: they cannot change agents', async () => {
      const changes: Array<[string, string, unknown?]> = [
        ['GET', '/console/api/admin/agents'],
        ['POST', '/console/api/admin/agents', { email: 'new@example.com', name: 'New', role: 'agent' }],
        ['PATCH', `/console/api/admin/agents/${ann.id}`, { maxChats: 9 }],
        ['POST', `/console/api/admin/agents/${ann.id}/deactivate`],
        ['POST', `/console/api/admin/agents/${ann.id}/reset-password`],
      ];
      for (const [method, path, body] of changes) {
        const res = await api(method, path, tokens.sue!, body);
        expect([path, res.status, res.body]).toEqual([path, 403, { errors: [{ msg: 'Only admins may do this', code: 403 }] }]);
      }
      const stored = await bridge.app.get(AgentRepository).findById(ann.id);
      expect(stored).toMatchObject({ maxChats: 3, disabled: false });
    });

    it('refuses the signed-out a socket, and agents every supervisor event; agents never receive the board', async () => {
      const anonymous = new ConsoleClient(bridge.url, undefined, { view: 'board' });
      clients.push(anonymous);
      expect(await anonymous.connectError()).toBe('unauthorized');

      const agentBoard = await connect(tokens.ann!, bridge.url, { view: 'board' });
      const agentConsole = await connect(tokens.ann!);
      const supervisorBoard = await connect(tokens.sue!, second.url, { view: 'board' });
      expect((await supervisorBoard.call('board:watch', {})).ok).toBe(true);
      const id = await queued('u-roles');
      for (const client of [agentBoard, agentConsole]) {
        expect(await client.call('board:watch', {})).toEqual({ ok: false, error: 'not allowed' });
        expect(await client.call('supervisor:whisper', { conversationId: id, text: 'psst' })).toEqual({ ok: false, error: 'not allowed' });
        expect(await client.call('supervisor:take-over', { conversationId: id })).toEqual({ ok: false, error: 'not allowed' });
        expect(await client.call('supervisor:reassign', { conversationId: id, toAgentId: ben.id })).toEqual({ ok: false, error: 'not allowed' });
      }
      // The supervisor (on the other instance) is sent the board with the new chat; the agents' sockets never are.
      await supervisorBoard.waitForEvent('board', (b) => b.conversations.some((c: any) => c.id === id));
      expect((await bridge.app.get(ConversationRepository).findActive(bot, 'u-roles'))?.state).toBe('queued');
      // Later events reach the agents (the queue), so they were listening when the board went out.
      await agentConsole.waitForEvent('queue', (q) => q.items.some((i: any) => i.conversationId === id));
      expect(agentBoard.events('board')).toEqual([]);
      expect(agentConsole.events('board')).toEqual([]);
      // Admins are supervisors too.
      const adminBoard = await connect(tokens.admin!, bridge.url, { view: 'board' });
      expect((await adminBoard.call('board:watch', {})).ok).toBe(true);
    });
  });

  describe('the board and the actions', () => {
    it("names each chat's team from the teams list, and follows a move to another team", async () => {
      const board = await connect(tokens.sue!, second.url, { view: 'board' });
      expect((await board.call('board:watch', {})).ok).toBe(true);
      const teams = bridge.app.get(DeskTeamsService);
      const vip = await teams.create({ name: 'VIP desk' });
      const other = await teams.create({ name: 'Second line' });
      if (typeof vip === 'string' || typeof other === 'string') throw new Error('team not created');
      await teams.replaceRules([{ botId: null, trigger: null, contextPath: 'session.BotUserSession.tier', contextValue: 'vip', teamId: vip.id }]);
      await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-vip', body: { context: { session: { BotUserSession: { tier: 'vip' } } } } });
      const id = (await waitFor('u-vip queued', () => bridge.app.get(ConversationRepository).findActive(bot, 'u-vip'))).id;
      const shown = await board.waitForEvent('board', (b) => b.conversations.some((c: any) => c.id === id));
      expect(shown.conversations.find((c: any) => c.id === id)).toMatchObject({ teamId: vip.id, teamName: 'VIP desk' });

      const conversation = (await bridge.app.get(ConversationRepository).findById(id))!;
      expect(await teams.moveToTeam(conversation, other.id, 'supervisor:test')).not.toBeNull();
      const moved = await board.waitForEvent('board', (b) => b.conversations.some((c: any) => c.id === id && c.teamId === other.id));
      expect(moved.conversations.find((c: any) => c.id === id)).toMatchObject({ teamName: 'Second line', state: 'queued' });
      // An admin renames the team: the board is published again with the new name.
      const renamed = await fetch(`${bridge.url}/console/api/admin/teams/${other.id}`, {
        method: 'PATCH', headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Tier 2' }),
      });
      expect(renamed.status).toBe(200);
      await board.waitForEvent('board', (b) => b.conversations.some((c: any) => c.id === id && c.teamName === 'Tier 2'));
      await teams.replaceRules([]);
      // Out of the way of the next tests' counts.
      expect(await bridge.app.get(HandoffService).end(id, 'user_ended', 'test')).toBe(true);
      board.close();
    });

    it('pushes the board to every instance: waiting chats, assignment with the agent, agents with status and load', async () => {
      const board = await connect(tokens.sue!, second.url, { view: 'board' });
      const first = await board.call('board:watch', {});
      expect(first.ok).toBe(true);
      const annConsole = await connect(tokens.ann!);
      const online = await board.waitForEvent('board', (b) => b.agents.some((a: any) => a.id === ann.id && a.status === 'available'));
      expect(online.agents.find((a: any) => a.id === ben.id)).toMatchObject({ name: 'Ben', status: 'offline', maxChats: 1 });
      // The board's own socket is no seat: the supervisor stays offline.
      expect(online.agents.find((a: any) => a.id === sue.id)).toMatchObject({ status: 'offline', activeChats: 0 });

      const id = await queued('u-board');
      const waiting = await board.waitForEvent('board', (b) => b.conversations.some((c: any) => c.id === id));
      const row = waiting.conversations.find((c: any) => c.id === id);
      expect(row).toMatchObject({ state: 'queued', agentId: null, agentName: null, teamId: null, teamName: null });
      expect(Date.parse(row.openedAt)).toBeLessThanOrEqual(Date.now());

      expect((await annConsole.call('queue:accept', { conversationId: id })).ok).toBe(true);
      const assigned = await board.waitForEvent('board', (b) => b.conversations.some((c: any) => c.id === id && c.state === 'assigned'));
      expect(assigned.conversations.find((c: any) => c.id === id)).toMatchObject({ agentId: ann.id, agentName: 'Ann' });
      const load = assigned.agents.find((a: any) => a.id === ann.id).activeChats;
      expect(load).toBeGreaterThanOrEqual(1);

      await annConsole.call('presence:set', { status: 'away' });
      await board.waitForEvent('board', (b) => b.agents.some((a: any) => a.id === ann.id && a.status === 'away'));
      await annConsole.call('presence:set', { status: 'available' });
      await board.waitForEvent('board', (b) => b.agents.some((a: any) => a.id === ann.id && a.status === 'available'));

      // Messages both ways reach the board's socket: the transcript of an open chat grows live.
      await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-board', message: 'hello there' });
      expect((await board.waitForEvent('message', (m) => m.conversationId === id && m.kind === 'user')).text).toBe('hello there');
      expect((await annConsole.call('message:send', { conversationId: id, clientId: 'c-1', text: 'Hi, Ann here' })).ok).toBe(true);
      expect((await board.waitForEvent('message', (m) => m.conversationId === id && m.kind === 'agent')).text).toBe('Hi, Ann here');
      const sync = await board.call('conversation:sync', { conversationId: id, after: '0' });
      expect(sync.messages.map((m: any) => m.text)).toEqual(expect.arrayContaining(['hello there', 'Hi, Ann here']));

      // Closed chats leave the board.
      expect((await annConsole.call('conversation:close', { conversationId: id, disposition: 'resolved' })).ok).toBe(true);
      await board.waitForEvent('board', (b) => b.at > assigned.at && !b.conversations.some((c: any) => c.id === id));
    });

    it('whispers to the agent: the agent sees it as the supervisor\'s whisper, the user never receives it', async () => {
      const annConsole = await connect(tokens.ann!);
      const board = await connect(tokens.sue!, second.url, { view: 'board' });
      const id = await assignedTo(annConsole, 'u-whisper');
      await userGot('u-whisper', 'Ann has joined the chat.');
      const secret = `offer the refund ${Date.now()}`;
      const ack = await board.call('supervisor:whisper', { conversationId: id, text: secret, clientId: 'w-1' });
      expect(ack).toMatchObject({ ok: true, message: { kind: 'whisper', authorName: 'Sue', text: secret } });
      expect(await annConsole.waitForEvent('message', (m) => m.text === secret)).toMatchObject({ kind: 'whisper', authorName: 'Sue', conversationId: id });
      // The same client id again is the same whisper, stored once.
      expect((await board.call('supervisor:whisper', { conversationId: id, text: secret, clientId: 'w-1' })).message.cursor).toBe(ack.message.cursor);
      // Stored as an internal row, and in the agent's history as the whisper.
      const history = await annConsole.call('conversation:sync', { conversationId: id, after: '0' });
      expect(history.messages.filter((m: any) => m.text === secret)).toEqual([expect.objectContaining({ kind: 'whisper', authorName: 'Sue' })]);
      const rows = await bridge.app.get(TranscriptRepository).list(id);
      expect(rows.filter((r) => r.text === secret)).toEqual([expect.objectContaining({ direction: 'internal', author: 'note' })]);
      // A user message sent after the whisper arrives: had the whisper gone to the platform, it would be there by now.
      await annConsole.call('message:send', { conversationId: id, clientId: 'after-whisper', text: 'Let me check' });
      expect((await userGot('u-whisper', 'Let me check')).join('\n')).not.toContain(secret);
      // Bad input is refused in the console's ack shape, and over REST with the documented error shape.
      expect(await board.call('supervisor:whisper', { conversationId: id, text: '  ' })).toEqual({ ok: false, error: 'text is required' });
      expect(await board.call('supervisor:whisper', { conversationId: 'nope', text: 'x' })).toEqual({ ok: false, error: 'not found' });
      expect((await api('POST', `/console/api/supervisor/conversations/${id}/whisper`, tokens.sue!, { text: 'x', extra: 1 })).status).toBe(400);
      const rest = await api('POST', `/console/api/supervisor/conversations/${id}/whisper`, tokens.sue!, { text: 'by REST' });
      expect([rest.status, rest.body.message.kind]).toEqual([200, 'whisper']);
      await annConsole.call('conversation:close', { conversationId: id });
    });

    it('takes a chat over: the agent is told and loses it, the supervisor chats with the user', async () => {
      const annConsole = await connect(tokens.ann!);
      const board = await connect(tokens.sue!, bridge.url, { view: 'board' });
      const id = await assignedTo(annConsole, 'u-take');
      await userGot('u-take', 'Ann has joined the chat.');
      const ack = await board.call('supervisor:take-over', { conversationId: id });
      expect(ack).toMatchObject({ ok: true, conversation: { id, state: 'assigned', agentId: sue.id, agentName: 'Sue' } });
      expect(await annConsole.waitForEvent('conversation:closed', (e) => e.conversationId === id)).toEqual({ conversationId: id, reason: 'taken_over' });
      await userGot('u-take', 'Sue has joined the chat.');
      // Ann may no longer write in it; Sue does, and the user gets it.
      expect(await annConsole.call('message:send', { conversationId: id, clientId: 'late', text: 'still me' })).toEqual({ ok: false, error: 'not allowed' });
      expect((await board.call('message:send', { conversationId: id, clientId: 's-1', text: 'Sue here, I will sort it out.' })).ok).toBe(true);
      expect(await userGot('u-take', 'Sue here, I will sort it out.')).not.toContain('still me');
      const history = await board.call('conversation:sync', { conversationId: id, after: '0' });
      expect(history.messages.map((m: any) => m.text)).toContain('Sue took over the conversation.');
      await board.call('conversation:close', { conversationId: id });
    });

    it('reassigns to an agent available now, and only to one', async () => {
      const annConsole = await connect(tokens.ann!);
      const board = await connect(tokens.sue!, second.url, { view: 'board' });
      expect((await board.call('board:watch', {})).ok).toBe(true);
      const id = await assignedTo(annConsole, 'u-reassign');
      // Ben is offline: refused, and the chat stays with Ann.
      expect(await board.call('supervisor:reassign', { conversationId: id, toAgentId: ben.id })).toEqual({ ok: false, error: 'agent not available' });
      expect(await board.call('supervisor:reassign', { conversationId: id, toAgentId: ann.id })).toEqual({ ok: false, error: 'no such agent' });
      const benConsole = await connect(tokens.ben!);
      await board.waitForEvent('board', (b) => b.agents.some((a: any) => a.id === ben.id && a.status === 'available'));
      const ack = await board.call('supervisor:reassign', { conversationId: id, toAgentId: ben.id });
      expect(ack).toMatchObject({ ok: true, conversation: { agentId: ben.id, agentName: 'Ben' } });
      expect(await benConsole.waitForEvent('conversation', (v) => v.id === id)).toMatchObject({ agentId: ben.id });
      expect(await annConsole.waitForEvent('conversation:closed', (e) => e.conversationId === id)).toEqual({ conversationId: id, reason: 'reassigned' });
      await board.waitForEvent('board', (b) => b.conversations.some((c: any) => c.id === id && c.agentName === 'Ben'));
      // Ben holds one chat at most: a second one is refused.
      const other = await assignedTo(annConsole, 'u-reassign-2');
      expect(await board.call('supervisor:reassign', { conversationId: other, toAgentId: ben.id })).toEqual({ ok: false, error: 'at_capacity' });
      const rest = await api('POST', `/console/api/supervisor/conversations/${other}/reassign`, tokens.sue!, { agentId: ben.id });
      expect(rest).toMatchObject({ status: 409, body: { errors: [{ code: 409 }] } });
      await benConsole.call('conversation:close', { conversationId: id });
      await annConsole.call('conversation:close', { conversationId: other });
    });
  });

  describe('ops sign-in', () => {
    /** node:http, not fetch: fetch sets Sec-Fetch-Mode itself, and a browser's navigation must be imitated. */
    const ops = (path: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; body: any; headers: Headers }>((resolve, reject) => {
        const req = request(`${bridge.url}${path}`, { headers }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            const h = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
            let body: unknown = text;
            try {
              body = JSON.parse(text);
            } catch {
              // HTML stays text.
            }
            resolve({ status: res.statusCode!, body, headers: h });
          });
        });
        req.on('error', reject);
        req.end();
      });
    const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

    it('sends a browser without a session to the console sign-in, with no Basic prompt; scripts keep Basic', async () => {
      for (const path of ['/ops', '/ops/queues', '/ops/api/summary']) {
        const res = await ops(path, NAVIGATE);
        expect([path, res.status, res.headers.get('location'), res.headers.get('www-authenticate')]).toEqual([path, 303, `/console/?next=${encodeURIComponent(path)}`, null]);
      }
      for (const path of ['/ops/api/summary', '/ops/queues/api/queues', '/ops/api/dead-letters']) {
        const res = await ops(path, BROWSER_FETCH);
        expect([path, res.status, res.headers.get('www-authenticate')]).toEqual([path, 401, null]);
        expect(res.body).toEqual({ errors: [{ msg: 'Sign in as a console admin or supervisor', code: 401 }] });
      }
      const script = await ops('/ops/api/summary');
      expect([script.status, script.headers.get('www-authenticate')]).toEqual([401, expect.stringMatching(/^Basic /)]);
      expect((await ops('/ops/api/summary', basic('sue@example.com', PASSWORD))).status).toBe(200);
      expect((await ops('/ops/api/summary', basic('ann@example.com', PASSWORD))).status).toBe(401);
    });

    it('takes a supervisor\'s console session as a cookie, and nobody else\'s', async () => {
      expect((await api('POST', '/ops/api/session', null)).status).toBe(401);
      expect((await api('POST', '/ops/api/session', 'forged')).status).toBe(401);
      const agent = await api('POST', '/ops/api/session', tokens.ann!);
      expect([agent.status, agent.headers.get('set-cookie')]).toEqual([403, null]);
      const opened = await api('POST', '/ops/api/session', tokens.sue!);
      expect(opened.status).toBe(204);
      const cookie = opened.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^ab_ops_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict$/);
      const jar = { cookie: cookie.split(';')[0]! };
      const page = await ops('/ops', { ...NAVIGATE, ...jar });
      expect([page.status, String(page.body)]).toEqual([200, expect.stringContaining('agent-bridge: hand-offs')]);
      expect((await ops('/ops/queues/api/queues', { ...BROWSER_FETCH, ...jar })).status).toBe(200);
      // An agent's token put in the cookie by hand opens nothing.
      expect((await ops('/ops/api/summary', { ...BROWSER_FETCH, cookie: `ab_ops_session=${tokens.ann}` })).status).toBe(401);
      // Signing out clears it.
      const closed = await api('DELETE', '/ops/api/session', null);
      expect(closed.headers.get('set-cookie')).toMatch(/^ab_ops_session=; .*Max-Age=0/);
      // A session ended since (a password reset ends every session) no longer opens the pages.
      expect((await api('POST', `/console/api/admin/agents/${sue.id}/reset-password`, tokens.admin!)).status).toBe(200);
      const ended = await ops('/ops', { ...NAVIGATE, ...jar });
      expect([ended.status, ended.headers.get('location')]).toEqual([303, '/console/?next=%2Fops']);
      expect((await ops('/ops/api/summary', { ...BROWSER_FETCH, ...jar })).status).toBe(401);
    });
  });
});
