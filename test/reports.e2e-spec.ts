import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AgentRepository, hashPassword, type Agent } from '@agent-bridge/console';
import { ConversationRepository } from '@agent-bridge/handoff';
import { revertLastMigration, runMigrations } from '@agent-bridge/persistence';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { ConsoleClient } from './console-client';
import { BEN_NAME, reportSeed, seedReports, TEAM_BILLING, TEAM_SALES } from './report-seed';

const bot = TEST_BOT.botId;
const PASSWORD = 'correct horse battery staple';
const RANGE = 'from=2026-06-01&to=2026-06-02&tz=Europe/Paris';

/** Reports against seeded conversations with known answers, their roles and errors, the CSV, and first_response_at. */
describe('console reports', () => {
  let env: TestEnvironment;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let db: Client;
  let ann: Agent;
  let ben: Agent;
  const tokens: Record<string, string> = {};
  const clients: ConsoleClient[] = [];

  async function signIn(email: string): Promise<string> {
    const { status, body } = await ConsoleClient.signIn(bridge.url, email, PASSWORD);
    expect(status).toBe(200);
    return body.token;
  }

  async function get(path: string, token: string | null = tokens.supervisor!): Promise<{ status: number; headers: Headers; text: string; body: any }> {
    const res = await fetch(`${bridge.url}/console/api/reports${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
    // The BOM kept: it is part of what the CSV export promises.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    let body: any = null;
    try {
      body = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      body = null;
    }
    return { status: res.status, headers: res.headers, text, body };
  }

  beforeAll(async () => {
    env = await createTestEnvironment('console_reports');
    bridge = await startBridge(testConfig(env, { handoff: { provider: 'console' }, console: { autoAssign: false, disconnectGraceSeconds: 30 } }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    const agents = bridge.app.get(AgentRepository);
    const hash = await hashPassword(PASSWORD);
    await agents.create({ email: 'ada@example.com', name: 'Ada', role: 'admin', passwordHash: hash });
    await agents.create({ email: 'sue@example.com', name: 'Sue', role: 'supervisor', passwordHash: hash });
    ann = await agents.create({ email: 'ann@example.com', name: 'Ann', role: 'agent', passwordHash: hash });
    ben = await agents.create({ email: 'ben@example.com', name: BEN_NAME, role: 'agent', passwordHash: hash });
    await seedReports(db, reportSeed(ann, ben));
    tokens.admin = await signIn('ada@example.com');
    tokens.supervisor = await signIn('sue@example.com');
    tokens.agent = await signIn('ann@example.com');
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await db?.end();
    await sim?.stop();
    await bridge?.close();
    await env?.destroy();
  });

  it('reports the range in its time zone: counts, reasons, percentiles, abandonment, CSAT and dispositions', async () => {
    const { status, body } = await get(`?${RANGE}`);
    expect(status).toBe(200);
    const t = body.total;
    // Seven conversations opened on June 1 or 2 in Paris; the two at 23:30 May 31 and 00:30 June 3 are out.
    expect(t.conversations).toBe(7);
    expect(t.assigned).toBe(4);
    // Queue timeout and user ended; the after-hours one never waited in the queue.
    expect(t.abandoned).toBe(2);
    expect(t.abandonedBy).toEqual({ user_ended: 1, queue_timeout: 1, inactivity: 0, platform_reset: 0 });
    expect(t.triggers).toEqual({ agent_transfer: 4, tone: 2, keyword: 1 });
    // Waits 30, 90, 10, 50 -> sorted 10 30 50 90: nearest rank p50 = 2nd = 30, p90 = 4th = 90, mean 45.
    expect(t.wait).toEqual({ p50: 30, p90: 90, mean: 45, count: 4 });
    // First responses 10, 20, 5 (one conversation never answered): 5 10 20 -> p50 10, p90 20, mean 35/3.
    expect(t.firstResponse).toMatchObject({ p50: 10, p90: 20, count: 3 });
    expect(t.firstResponse.mean).toBeCloseTo(35 / 3, 6);
    // Handle 600, 300, 1200, 200 -> 200 300 600 1200: p50 300, p90 1200, mean 575.
    expect(t.handle).toEqual({ p50: 300, p90: 1200, mean: 575, count: 4 });
    expect(t.csat).toEqual({ count: 3, average: 4, distribution: [0, 0, 1, 1, 1] });
    expect(t.dispositions).toEqual({ resolved: 2, 'billing-issue': 1, other: 1 });

    expect(body.days.map((d: any) => [d.day, d.conversations, d.assigned, d.abandoned, d.wait.p50, d.wait.p90])).toEqual([
      ['2026-06-01', 3, 3, 0, 30, 90],
      ['2026-06-02', 4, 1, 2, 50, 50],
    ]);
    expect(body.teams.map((r: any) => [r.teamName, r.conversations, r.assigned, r.abandoned])).toEqual([
      ['Billing', 4, 2, 1],
      ['Sales', 2, 1, 1],
      ['No team', 1, 1, 0],
    ]);
    const agents = Object.fromEntries(body.agents.map((r: any) => [r.agentId ?? 'none', r]));
    expect(agents[ann.id]).toMatchObject({ agentName: 'Ann', conversations: 2, csat: { count: 2, average: 4 }, dispositions: { resolved: 2 } });
    expect(agents[ben.id]).toMatchObject({ agentName: BEN_NAME, conversations: 2, handle: { p50: 200, p90: 1200, mean: 700, count: 2 } });
    expect(agents.none).toMatchObject({ agentName: null, conversations: 3, abandoned: 2, assigned: 0, wait: { p50: null, count: 0 } });
  });

  it('filters by team and by agent, and shows an empty day as zeros', async () => {
    const billing = (await get(`?${RANGE}&team=${TEAM_BILLING}`)).body;
    expect(billing.total).toMatchObject({ conversations: 4, assigned: 2, wait: { p50: 30, p90: 90, count: 2 }, triggers: { agent_transfer: 3, tone: 1, keyword: 0 } });
    expect(billing.teams.map((r: any) => r.teamId)).toEqual([TEAM_BILLING]);
    const benOnly = (await get(`?${RANGE}&agent=${ben.id}`)).body;
    expect(benOnly.total).toMatchObject({ conversations: 2, dispositions: { 'billing-issue': 1, other: 1 } });
    const sales = (await get(`?from=2026-06-03&to=2026-06-04&tz=Europe/Paris&team=${TEAM_SALES}`)).body;
    expect(sales.days.map((d: any) => [d.day, d.conversations])).toEqual([['2026-06-03', 1], ['2026-06-04', 0]]);
    expect(sales.days[1].wait).toEqual({ p50: null, p90: null, mean: null, count: 0 });
    // In UTC, 00:30 June 3 in Paris is still June 2, and 23:30 May 31 in Paris is May 31 there too.
    expect((await get('?from=2026-06-01&to=2026-06-02&tz=UTC')).body.total.conversations).toBe(8);
  });

  it('lets supervisors and admins in, refuses agents (403) and the signed-out (401)', async () => {
    for (const path of [`?${RANGE}`, `/csv?${RANGE}`, '/options']) {
      expect((await get(path, tokens.admin!)).status).toBe(200);
      expect((await get(path, tokens.supervisor!)).status).toBe(200);
      const agent = await get(path, tokens.agent!);
      expect([agent.status, agent.body]).toEqual([403, { errors: [expect.objectContaining({ msg: 'Only supervisors and admins may do this' })] }]);
      const out = await get(path, null);
      expect(out.status).toBe(401);
      expect((await get(path, 'not-a-token')).status).toBe(401);
    }
    const options = (await get('/options')).body;
    expect(options.teams.map((t: any) => t.name)).toEqual(['Billing', 'Sales']);
    expect(options.agents.map((a: any) => a.name).sort()).toEqual(['Ada', 'Ann', BEN_NAME, 'Sue'].sort());
  });

  it.each([
    ['to before from', '?from=2026-06-02&to=2026-06-01&tz=UTC', '"to" is before "from"'],
    ['no such day', '?from=2026-02-30&to=2026-03-01&tz=UTC', '"from" and "to" must be days as YYYY-MM-DD'],
    ['not a day', '?from=yesterday&to=2026-03-01&tz=UTC', '"from" and "to" must be days as YYYY-MM-DD'],
    ['over a year', '?from=2025-01-01&to=2026-01-02&tz=UTC', 'A report covers at most 366 days'],
    ['unknown zone', '?from=2026-06-01&to=2026-06-02&tz=Mars/Olympus', '"tz" must be a time zone such as Europe/Paris'],
    ['missing zone', '?from=2026-06-01&to=2026-06-02', '"tz" is required'],
    ['team not an id', `?${RANGE}&team=billing`, '"team" must be a team id'],
    ['unknown parameter', `?${RANGE}&x=1`, 'Unknown parameter "x"'],
    ['a parameter twice', `?${RANGE}&from=2026-06-01`, '"from" must be given once'],
  ])('answers 400 with the error shape: %s', async (_name, query, msg) => {
    for (const path of [query, `/csv${query}`]) {
      const answer = await get(path);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ errors: [expect.objectContaining({ msg })] });
    }
  });

  it('exports the report as CSV: a file name, quoting, and the same figures', async () => {
    const answer = await get(`/csv?${RANGE}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toBe('attachment; filename="agent-bridge-report-2026-06-01-to-2026-06-02.csv"');
    expect(answer.text.startsWith('\uFEFFsection,day,team,agent,conversations,assigned,abandoned,')).toBe(true);
    const lines = answer.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines.pop()).toBe('');
    const head = lines[0]!.split(',');
    const cell = (line: string, name: string) => line.split(',')[head.indexOf(name)];
    const total = lines[1]!;
    expect(cell(total, 'section')).toBe('total');
    expect(cell(total, 'conversations')).toBe('7');
    expect(cell(total, 'wait_p50_s')).toBe('30');
    expect(cell(total, 'wait_p90_s')).toBe('90');
    expect(cell(total, 'first_response_mean_s')).toBe('11.67');
    expect(cell(total, 'csat_average')).toBe('4');
    expect(cell(total, 'disposition_resolved')).toBe('2');
    expect(lines.filter((l) => l.startsWith('day,')).map((l) => l.split(',').slice(1, 2)[0])).toEqual(['2026-06-01', '2026-06-02']);
    // A name with a quote and a comma is one quoted field, quotes doubled.
    expect(lines.find((l) => l.startsWith('agent,'))).toBeDefined();
    expect(answer.text).toContain(`agent,,,"Ben ""B"", Jr",2,`);
    expect(lines.filter((l) => l.startsWith('team,')).map((l) => l.split(',')[2])).toEqual(['Billing', 'Sales', 'No team']);
  });

  it('stamps first_response_at at the agent\'s first message to the user, once', async () => {
    const client = new ConsoleClient(bridge.url, tokens.agent);
    clients.push(client);
    await client.connected();
    await client.waitForEvent('session');
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-first-response' });
    const id = (await waitFor('queued', () => bridge.app.get(ConversationRepository).findActive(bot, 'u-first-response'))).id;
    expect((await client.call('queue:accept', { conversationId: id })).ok).toBe(true);
    const stamp = async () => (await db.query('SELECT first_response_at, assigned_at FROM conversations WHERE id = $1', [id])).rows[0];
    expect((await stamp()).first_response_at).toBeNull();
    // A user message is not a response.
    await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-first-response', message: 'hello?' });
    await client.waitForEvent('message', (m) => m.conversationId === id && m.kind === 'user');
    expect((await stamp()).first_response_at).toBeNull();
    expect((await client.call('message:send', { conversationId: id, clientId: randomUUID(), text: 'Hi, I am here' })).ok).toBe(true);
    const first = await stamp();
    expect(first.first_response_at).not.toBeNull();
    expect(first.first_response_at.getTime()).toBeGreaterThanOrEqual(first.assigned_at.getTime());
    expect((await client.call('message:send', { conversationId: id, clientId: randomUUID(), text: 'Still here' })).ok).toBe(true);
    await sim.waitForDelivered(bot, 'u-first-response', 1);
    expect((await stamp()).first_response_at.getTime()).toBe(first.first_response_at.getTime());
  });

  it('has a migration that reverts and applies again, and the report still answers', async () => {
    const index = async () => (await db.query(`SELECT to_regclass('conversations_report') AS i`)).rows[0].i;
    expect(await index()).toBe('conversations_report');
    await revertLastMigration(env.databaseUrl);
    expect(await index()).toBeNull();
    expect((await get(`?${RANGE}`)).body.total.conversations).toBe(7);
    expect((await runMigrations(env.databaseUrl)).applied).toEqual(['ReportIndex1764550000000']);
    expect(await index()).toBe('conversations_report');
  });
});
