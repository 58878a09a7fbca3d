import { Client } from 'pg';
import { AgentRepository, hashPassword, type Agent } from '@agent-bridge/console';
import { ConversationRepository } from '@agent-bridge/handoff';
import { revertLastMigration, runMigrations } from '@agent-bridge/persistence';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { ConsoleClient } from './console-client';

const bot = TEST_BOT.botId;
const PASSWORD = 'correct horse battery staple';
const MISSING = '00000000-0000-4000-8000-000000000000';

/** Admin REST API of the console: roles, validation, conflicts, and what each change does to live consoles. */
describe('console admin API', () => {
  let env: TestEnvironment;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let db: Client;
  let closed = false;
  let ada: Agent;
  let ann: Agent;
  const tokens: Record<string, string> = {};
  const clients: ConsoleClient[] = [];

  async function signIn(email: string, password = PASSWORD): Promise<string> {
    const { status, body } = await ConsoleClient.signIn(bridge.url, email, password);
    expect(status).toBe(200);
    return body.token;
  }

  async function api(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${bridge.url}/console/api/admin${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  const admin = (method: string, path: string, body?: unknown) => api(method, path, tokens.admin!, body);

  async function connect(token: string): Promise<ConsoleClient> {
    const client = new ConsoleClient(bridge.url, token);
    clients.push(client);
    await client.connected();
    await client.waitForEvent('session');
    return client;
  }

  async function queued(user: string): Promise<string> {
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: user });
    return (await waitFor('queued', () => bridge.app.get(ConversationRepository).findActive(bot, user))).id;
  }

  const tokenOf = (url: string): string => new URL(url).hash.replace(/^#token=/, '');

  beforeAll(async () => {
    env = await createTestEnvironment('console_admin');
    bridge = await startBridge(testConfig(env, { handoff: { provider: 'console' }, console: { autoAssign: false, disconnectGraceSeconds: 30 } }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    const agents = bridge.app.get(AgentRepository);
    const hash = await hashPassword(PASSWORD);
    ada = await agents.create({ email: 'ada@example.com', name: 'Ada', role: 'admin', passwordHash: hash });
    ann = await agents.create({ email: 'ann@example.com', name: 'Ann', role: 'agent', passwordHash: hash });
    await agents.create({ email: 'sue@example.com', name: 'Sue', role: 'supervisor', passwordHash: hash });
    tokens.admin = await signIn('ada@example.com');
    tokens.agent = await signIn('ann@example.com');
    tokens.supervisor = await signIn('sue@example.com');
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await db?.end();
    await sim?.stop();
    await bridge?.close();
    await env?.destroy();
  });

  describe('roles', () => {
    const ROUTES: Array<[string, string, unknown?]> = [
      ['GET', '/agents'],
      ['POST', '/agents', { email: 'x@example.com', name: 'X', role: 'agent' }],
      ['PATCH', `/agents/${MISSING}`, { name: 'X' }],
      ['POST', `/agents/${MISSING}/deactivate`],
      ['POST', `/agents/${MISSING}/reactivate`],
      ['POST', `/agents/${MISSING}/reset-password`],
      ['GET', '/canned-responses'],
      ['POST', '/canned-responses', { shortcut: 'x', title: 'X', text: 'x' }],
      ['PATCH', '/canned-responses/1', { title: 'X' }],
      ['DELETE', '/canned-responses/1'],
      ['GET', '/dispositions'],
      ['POST', '/dispositions', { label: 'X' }],
      ['PATCH', '/dispositions/1', { label: 'X' }],
      ['PUT', '/dispositions/order', { ids: [1] }],
    ];

    it('refuses every admin route signed out (401) and to agents and supervisors (403), changing nothing', async () => {
      const before = await db.query(`SELECT (SELECT count(*) FROM agents) a, (SELECT count(*) FROM canned_responses) c, (SELECT string_agg(label, ',' ORDER BY id) FROM dispositions) d`);
      for (const [method, path, body] of ROUTES) {
        for (const token of [null, 'not-a-token', `${tokens.admin}x`]) {
          const res = await api(method, path, token, body);
          expect([method, path, token, res.status]).toEqual([method, path, token, 401]);
          expect(res.body).toEqual({ errors: [{ msg: 'Sign in to the console first', code: 401 }] });
        }
        for (const role of ['agent', 'supervisor']) {
          const res = await api(method, path, tokens[role]!, body);
          expect([method, path, role, res.status]).toEqual([method, path, role, 403]);
          expect(res.body).toEqual({ errors: [{ msg: 'Only admins may do this', code: 403 }] });
        }
      }
      expect((await db.query(`SELECT (SELECT count(*) FROM agents) a, (SELECT count(*) FROM canned_responses) c, (SELECT string_agg(label, ',' ORDER BY id) FROM dispositions) d`)).rows).toEqual(before.rows);
    });

    it('reads the role from the account, not from the token', async () => {
      const leo = (await admin('POST', '/agents', { email: 'leo@example.com', name: 'Leo', role: 'admin', password: PASSWORD })).body.agent;
      const token = await signIn('leo@example.com');
      expect((await api('GET', '/agents', token)).status).toBe(200);
      expect((await admin('PATCH', `/agents/${leo.id}`, { role: 'supervisor' })).status).toBe(200);
      expect((await api('GET', '/agents', token)).status).toBe(403);
    });
  });

  describe('agents', () => {
    it('creates an agent with a password, who can then sign in; never answers a password or a hash', async () => {
      const res = await admin('POST', '/agents', { email: 'Bob@Example.com', name: ' Bob Builder ', role: 'agent', maxChats: 4, password: 'a fine password' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        agent: { id: expect.any(String), email: 'Bob@Example.com', name: 'Bob Builder', role: 'agent', maxChats: 4, active: true, invitePending: false, inviteExpiresAt: null, createdAt: expect.any(String), teams: [] },
        invite: null,
      });
      const signedIn = await ConsoleClient.signIn(bridge.url, 'bob@example.com', 'a fine password');
      expect(signedIn.body.agent).toMatchObject({ name: 'Bob Builder', maxChats: 4 });
      const list = await admin('GET', '/agents');
      expect(list.body.items.map((a: any) => a.email)).toEqual(expect.arrayContaining(['ada@example.com', 'Bob@Example.com']));
      expect(JSON.stringify(list.body)).not.toMatch(/password|hash|scrypt/i);
    });

    it('invites: a one-time link that sets the password, then expires with use', async () => {
      const res = await admin('POST', '/agents', { email: 'ivy@example.com', name: 'Ivy', role: 'supervisor' });
      expect(res.status).toBe(201);
      expect(res.body.agent).toMatchObject({ invitePending: true, role: 'supervisor', maxChats: 3 });
      expect(res.body.invite.url).toMatch(/\/console\/set-password\.html#token=[A-Za-z0-9_-]{43}$/);
      expect(Date.parse(res.body.invite.expiresAt) - Date.now()).toBeGreaterThan(71 * 3600_000);
      const token = tokenOf(res.body.invite.url);
      // Nobody can sign in to an invited account before the link is used.
      expect((await ConsoleClient.signIn(bridge.url, 'ivy@example.com', PASSWORD)).status).toBe(401);
      const post = (path: string, body: unknown) => fetch(`${bridge.url}/console/api/set-password${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const check = await post('/check', { token });
      expect(check.status).toBe(200);
      expect(await check.json()).toMatchObject({ email: 'ivy@example.com', name: 'Ivy' });
      expect((await post('', { token, password: 'short' })).status).toBe(400);
      const set = await post('', { token, password: 'ivy has a password now' });
      expect(set.status).toBe(200);
      expect((await ConsoleClient.signIn(bridge.url, 'ivy@example.com', 'ivy has a password now')).status).toBe(200);
      const again = await post('', { token, password: 'someone else tries' });
      expect(again.status).toBe(400);
      expect((await again.json()).errors[0].msg).toMatch(/not valid any more/);
      expect((await post('/check', { token })).status).toBe(400);
      expect((await post('/check', { token: 'x' })).status).toBe(400);
      expect((await admin('GET', '/agents')).body.items.find((a: any) => a.email === 'ivy@example.com').invitePending).toBe(false);
    });

    it('validates input with 400 in the documented shape', async () => {
      const cases: unknown[] = [
        '[1]',
        'null',
        { email: 'no-at-sign', name: 'X', role: 'agent' },
        { email: 'x1@example.com', role: 'agent' },
        { email: 'x1@example.com', name: '   ', role: 'agent' },
        { email: 'x1@example.com', name: 'Line\nbreak', role: 'agent' },
        { email: 'x1@example.com', name: 'x'.repeat(101), role: 'agent' },
        { email: 'x1@example.com', name: 'X', role: 'root' },
        { email: 'x1@example.com', name: 'X', role: 'agent', maxChats: 0 },
        { email: 'x1@example.com', name: 'X', role: 'agent', maxChats: 2.5 },
        { email: 'x1@example.com', name: 'X', role: 'agent', maxChats: '3' },
        { email: 'x1@example.com', name: 'X', role: 'agent', password: 'short' },
        { email: 'x1@example.com', name: 'X', role: 'agent', password: 'nul\u0000in the password' },
        { email: 'x1@example.com', name: 'X', role: 'agent', disabled: true },
      ];
      for (const body of cases) {
        const res = await admin('POST', '/agents', body);
        expect([body, res.status]).toEqual([body, 400]);
        expect(res.body).toEqual({ errors: [{ msg: expect.any(String), code: 'BAD_REQUEST' }] });
      }
      expect((await admin('PATCH', `/agents/${ann.id}`, {})).status).toBe(400);
      expect((await admin('PATCH', `/agents/${ann.id}`, { email: 'new@example.com' })).status).toBe(400);
      expect((await admin('PATCH', `/agents/${ann.id}`, { maxChats: 51 })).status).toBe(400);
      expect((await db.query(`SELECT count(*)::int n FROM agents WHERE email = 'x1@example.com'`)).rows[0].n).toBe(0);
    });

    it('answers 409 for a taken email (in any case) and 404 for an unknown agent', async () => {
      const dup = await admin('POST', '/agents', { email: 'ANN@example.com', name: 'Other Ann', role: 'agent', password: PASSWORD });
      expect(dup).toEqual({ status: 409, body: { errors: [{ msg: 'An agent with this email exists already', code: 409 }] } });
      for (const id of [MISSING, 'not-a-uuid', '1']) {
        expect((await admin('PATCH', `/agents/${id}`, { name: 'X' })).status).toBe(404);
        expect((await admin('POST', `/agents/${id}/deactivate`)).status).toBe(404);
        expect((await admin('POST', `/agents/${id}/reactivate`)).status).toBe(404);
        expect((await admin('POST', `/agents/${id}/reset-password`)).status).toBe(404);
      }
    });

    it('edits name, role and max chats; the agent\'s console reconnects with them', async () => {
      const cid = (await admin('POST', '/agents', { email: 'cid@example.com', name: 'Cid', role: 'agent', password: PASSWORD })).body.agent;
      const client = await connect(await signIn('cid@example.com'));
      const res = await admin('PATCH', `/agents/${cid.id}`, { name: 'Cid Smith', role: 'supervisor', maxChats: 7 });
      expect(res.status).toBe(200);
      expect(res.body.agent).toMatchObject({ name: 'Cid Smith', role: 'supervisor', maxChats: 7 });
      await waitFor('disconnected', () => !client.socket.connected);
      client.socket.connect();
      await client.waitForEvent('session', (s) => s.agent.name === 'Cid Smith' && s.agent.role === 'supervisor' && s.agent.maxChats === 7);
    });

    it('never leaves the console without an active admin', async () => {
      const res = await admin('PATCH', `/agents/${ada.id}`, { role: 'agent' });
      // Leo was made a supervisor above: Ada is the only admin.
      expect(res).toEqual({ status: 409, body: { errors: [{ msg: 'This is the last active admin: make another agent admin first', code: 409 }] } });
      expect((await admin('POST', `/agents/${ada.id}/deactivate`)).status).toBe(409);
      expect((await db.query(`SELECT role, disabled FROM agents WHERE id = $1`, [ada.id])).rows[0]).toEqual({ role: 'admin', disabled: false });
    });

    it('deactivates: signed out at once, cannot come back, chats re-queued; reactivated, signs in again', async () => {
      const dan = (await admin('POST', '/agents', { email: 'dan@example.com', name: 'Dan', role: 'agent', password: PASSWORD })).body.agent;
      const token = await signIn('dan@example.com');
      const client = await connect(token);
      const id = await queued('u-deactivate');
      expect((await client.call('queue:accept', { conversationId: id })).ok).toBe(true);

      const res = await admin('POST', `/agents/${dan.id}/deactivate`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ agent: { id: dan.id, active: false }, requeued: 1 });
      await waitFor('socket closed', () => !client.socket.connected);
      expect((await bridge.app.get(ConversationRepository).findById(id))?.state).toBe('queued');
      const refused = client.connectError();
      client.socket.connect();
      expect(await refused).toBe('unauthorized');
      expect((await ConsoleClient.signIn(bridge.url, 'dan@example.com', PASSWORD)).status).toBe(401);
      expect((await admin('GET', '/agents')).body.items.find((a: any) => a.id === dan.id).active).toBe(false);

      // Reactivated: the old token stays dead, a new sign-in works.
      expect((await admin('POST', `/agents/${dan.id}/reactivate`)).body.agent.active).toBe(true);
      const stale = new ConsoleClient(bridge.url, token);
      clients.push(stale);
      expect(await stale.connectError()).toBe('unauthorized');
      await connect(await signIn('dan@example.com'));
    });

    it('resets a password: the old one and every session end, the link sets a new one', async () => {
      const eve = (await admin('POST', '/agents', { email: 'eve@example.com', name: 'Eve', role: 'agent', password: PASSWORD })).body.agent;
      const client = await connect(await signIn('eve@example.com'));
      const res = await admin('POST', `/agents/${eve.id}/reset-password`);
      expect(res.status).toBe(200);
      expect(res.body.agent.invitePending).toBe(true);
      await waitFor('socket closed', () => !client.socket.connected);
      expect((await ConsoleClient.signIn(bridge.url, 'eve@example.com', PASSWORD)).status).toBe(401);
      // A second reset replaces the first link.
      const second = await admin('POST', `/agents/${eve.id}/reset-password`);
      const set = (token: string) => fetch(`${bridge.url}/console/api/set-password`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, password: 'eve new password' }) });
      expect((await set(tokenOf(res.body.invite.url))).status).toBe(400);
      expect((await set(tokenOf(second.body.invite.url))).status).toBe(200);
      expect((await ConsoleClient.signIn(bridge.url, 'eve@example.com', 'eve new password')).status).toBe(200);
      // A deactivated agent gets no link.
      await admin('POST', `/agents/${eve.id}/deactivate`);
      expect((await admin('POST', `/agents/${eve.id}/reset-password`)).status).toBe(409);
    });
  });

  describe('canned responses', () => {
    it('creates, edits and deletes; open consoles get the new list', async () => {
      const client = await connect(tokens.agent!);
      const created = await admin('POST', '/canned-responses', { shortcut: 'hi', title: 'Greeting', text: 'Hello!\nHow can I help?' });
      expect(created.status).toBe(201);
      expect(created.body.item).toEqual({ id: expect.any(Number), shortcut: 'hi', title: 'Greeting', text: 'Hello!\nHow can I help?', teamId: null });
      await client.waitForEvent('canned', (c) => c.items.some((i: any) => i.shortcut === 'hi'));
      expect((await admin('POST', '/canned-responses', { shortcut: 'hi', title: 'Again', text: 'x' })).status).toBe(409);
      const bye = (await admin('POST', '/canned-responses', { shortcut: 'bye', title: 'Goodbye', text: 'Bye!' })).body.item;

      const edited = await admin('PATCH', `/canned-responses/${created.body.item.id}`, { title: 'Hello', text: 'Hi there!' });
      expect(edited.body.item).toMatchObject({ shortcut: 'hi', title: 'Hello', text: 'Hi there!' });
      expect((await admin('PATCH', `/canned-responses/${bye.id}`, { shortcut: 'hi' })).status).toBe(409);
      expect((await client.call('canned:list', {})).items).toEqual([
        { shortcut: 'bye', title: 'Goodbye', text: 'Bye!' },
        { shortcut: 'hi', title: 'Hello', text: 'Hi there!' },
      ]);

      expect((await admin('DELETE', `/canned-responses/${bye.id}`)).status).toBe(204);
      await client.waitForEvent('canned', (c) => c.items.length === 1);
      expect((await admin('DELETE', `/canned-responses/${bye.id}`)).status).toBe(404);
      expect((await admin('PATCH', '/canned-responses/999999', { title: 'X' })).status).toBe(404);
      expect((await admin('PATCH', '/canned-responses/abc', { title: 'X' })).status).toBe(404);
      for (const body of [{ shortcut: 'has space', title: 'X', text: 'x' }, { shortcut: 'ok', title: 'X' }, { shortcut: 'ok', title: 'X', text: 'x'.repeat(5001) }, { shortcut: 'ok', title: 'X', text: 'x', teamId: 'not-a-team-id' }]) {
        expect((await admin('POST', '/canned-responses', body)).status).toBe(400);
      }
      expect((await admin('PATCH', `/canned-responses/${created.body.item.id}`, {})).status).toBe(400);
    });
  });

  describe('dispositions', () => {
    it('starts with the former fixed list, is edited and reordered, and is what a close accepts', async () => {
      const seeded = (await admin('GET', '/dispositions')).body.items;
      expect(seeded.map((d: any) => [d.code, d.label, d.active])).toEqual([
        ['resolved', 'Resolved', true], ['follow-up', 'Follow-up needed', true], ['spam', 'Spam', true], ['other', 'Other', true],
      ]);
      const client = await connect(tokens.agent!);
      const billing = await admin('POST', '/dispositions', { label: 'Billing issue' });
      expect(billing.status).toBe(201);
      expect(billing.body.item).toMatchObject({ code: 'billing-issue', label: 'Billing issue', active: true, position: 5 });
      expect((await admin('POST', '/dispositions', { label: 'Billing  Issue!' })).status).toBe(409);
      expect((await admin('POST', '/dispositions', { label: '!!!' })).status).toBe(400);
      expect((await admin('POST', '/dispositions', { label: 'X', code: 'Bad Code' })).status).toBe(400);

      const spam = seeded.find((d: any) => d.code === 'spam');
      expect((await admin('PATCH', `/dispositions/${spam.id}`, { active: false })).body.item.active).toBe(false);
      expect((await admin('PATCH', `/dispositions/${spam.id}`, { code: 'x' })).status).toBe(400);
      expect((await admin('PATCH', '/dispositions/999999', { label: 'X' })).status).toBe(404);
      const ids = [billing.body.item.id, ...seeded.map((d: any) => d.id)];
      expect((await admin('PUT', '/dispositions/order', { ids: ids.slice(1) })).status).toBe(400);
      expect((await admin('PUT', '/dispositions/order', { ids: [...ids, ids[0]] })).status).toBe(400);
      expect((await admin('PUT', '/dispositions/order', { ids })).body.items.map((d: any) => d.code)).toEqual(['billing-issue', 'resolved', 'follow-up', 'spam', 'other']);

      const offered = [{ code: 'billing-issue', label: 'Billing issue' }, { code: 'resolved', label: 'Resolved' }, { code: 'follow-up', label: 'Follow-up needed' }, { code: 'other', label: 'Other' }];
      await client.waitForEvent('dispositions', (d) => JSON.stringify(d.items) === JSON.stringify(offered));
      expect((await client.call('dispositions:list', {})).items).toEqual(offered);

      // A close stores an active code as it is; an inactive or unknown one as the agent's words.
      for (const [user, disposition, stored] of [['u-billing', 'billing-issue', 'billing-issue'], ['u-spam', 'spam', 'other: spam']]) {
        const id = await queued(user!);
        expect((await client.call('queue:accept', { conversationId: id })).ok).toBe(true);
        expect(await client.call('conversation:close', { conversationId: id, disposition })).toEqual({ ok: true });
        expect((await db.query(`SELECT disposition FROM conversations WHERE id = $1`, [id])).rows[0].disposition).toBe(stored);
      }
    });
  });

  it('has a migration that reverts and applies again', async () => {
    await bridge.close();
    closed = true;
    const applied = async () => (await db.query(`SELECT name FROM migrations ORDER BY id`)).rows.map((r) => r.name as string);
    while ((await applied()).includes('ConsoleAdmin1764400000000')) await revertLastMigration(env.databaseUrl);
    expect((await db.query(`SELECT to_regclass('dispositions') t`)).rows[0].t).toBeNull();
    expect((await db.query(`SELECT count(*)::int n FROM information_schema.columns WHERE table_name = 'agents' AND column_name = 'session_epoch'`)).rows[0].n).toBe(0);
    expect((await runMigrations(env.databaseUrl)).applied).toContain('ConsoleAdmin1764400000000');
    expect((await db.query(`SELECT count(*)::int n FROM dispositions`)).rows[0].n).toBe(4);
  });
});
