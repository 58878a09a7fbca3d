import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AgentRepository, hashPassword, type Agent } from '@agent-bridge/console';
import { ConversationRepository, ReportRollupService, type RollupRun } from '@agent-bridge/handoff';
import { revertLastMigration, runMigrations } from '@agent-bridge/persistence';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { ConsoleClient } from './console-client';
import { BEN_NAME, reportSeed, seedReports, TEAM_BILLING, TEAM_SALES } from './report-seed';

const bot = TEST_BOT.botId;
const PASSWORD = 'correct horse battery staple';
const RANGE = 'from=2026-06-01&to=2026-06-02&tz=Europe/Paris';
/** June 10 (Paris): durations that show the percentiles' bins. June 20: what changes after the rollup ran. */
const BINS_DAY = 'from=2026-06-10&to=2026-06-10&tz=Europe/Paris';
const LATE_DAY = 'from=2026-06-20&to=2026-06-20&tz=Europe/Paris';
const JUNE = 'from=2026-06-01&to=2026-06-30&tz=Europe/Paris';

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
  let openLate: string;
  let ratedLate: string;

  /** A run of the rollup job's work; the scheduled one may hold its lock at that moment. */
  async function rollUp(): Promise<RollupRun> {
    return waitFor('a rollup run', async () => {
      const run = await bridge.app.get(ReportRollupService).run();
      return run.skipped ? null : run;
    });
  }

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
    bridge = await startBridge(testConfig(env, { handoff: { provider: 'console', reportsTimeZone: 'Europe/Paris' }, console: { autoAssign: false, disconnectGraceSeconds: 30 } }));
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
    // Seconds chosen across bins: 1 s wide under 2 min, 10 s to 10 min, 5 min from 1 h, one bin from 48 h.
    await seedReports(db, [
      { opened: '2026-06-10T08:00:00Z', team: null, agent: ann, trigger: 'agent_transfer', wait: 125, response: 59.7, handle: 650 },
      { opened: '2026-06-10T09:00:00Z', team: null, agent: ann, trigger: 'agent_transfer', wait: 129, response: 3, handle: 4000 },
      { opened: '2026-06-10T10:00:00Z', team: null, agent: ann, trigger: 'agent_transfer', wait: 134, response: 1, handle: 200_000 },
    ]);
    // June 20: one still with Ben when the rollup runs, one asked for a rating it has not given yet.
    const late = await db.query(
      `INSERT INTO conversations (bot_id, visitor_key, state, trigger, provider, agent_id, agent_name, latest_request_id, latest_payload,
         opened_at, assigned_at, first_response_at, closed_at, close_reason, csat_requested_at, last_activity_at, team_id)
       VALUES ('st-report-seed', 'late-open', 'assigned', 'agent_transfer', 'console', $1, $2, 'r', '{}',
               '2026-06-20T08:00:00Z', '2026-06-20T08:01:00Z', '2026-06-20T08:01:30Z', NULL, NULL, NULL, '2026-06-20T08:05:00Z', $5),
              ('st-report-seed', 'late-rated', 'closed', 'tone', 'console', $3, $4, 'r', '{}',
               '2026-06-20T09:00:00Z', '2026-06-20T09:00:20Z', '2026-06-20T09:00:25Z', '2026-06-20T09:02:00Z', 'agent_closed', '2026-06-20T09:02:00Z', '2026-06-20T09:02:00Z', $5)
       RETURNING id, visitor_key`,
      [ben.id, ben.name, ann.id, ann.name, TEAM_BILLING],
    );
    openLate = late.rows.find((r) => r.visitor_key === 'late-open').id;
    ratedLate = late.rows.find((r) => r.visitor_key === 'late-rated').id;
    // The seeded days are long over: the rollup takes them (the reports then read it, not the rows).
    await rollUp();
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

  it('reads the days the rollup holds from it, in its zone only', async () => {
    const state = (await db.query(`SELECT time_zone, rolled_until::text AS until FROM report_rollup_state`)).rows[0];
    expect(state.time_zone).toBe('Europe/Paris');
    expect(state.until >= '2026-06-03').toBe(true);
    // Shift one rolled-up figure: the Paris report shows it, the UTC one (read from the rows) does not.
    const shift = (n: number) => db.query(`UPDATE report_rollup SET conversations = conversations + $1 WHERE kind = 'day' AND period = '2026-06-01' AND level = 3`, [n]);
    await shift(1000);
    try {
      expect((await get(`?${RANGE}`)).body.days[0].conversations).toBe(1003);
      expect((await get('?from=2026-06-01&to=2026-06-02&tz=UTC')).body.total.conversations).toBe(8);
    } finally {
      await shift(-1000);
    }
    expect((await get(`?${RANGE}`)).body.days[0].conversations).toBe(3);
  });

  it('gives percentiles to the bin (means exact), alike from the rollup and from the rows', async () => {
    const fromRollup = (await get(`?${BINS_DAY}`)).body.total;
    // Waits 125, 129, 134 s: p50 = 129 in the 10 s bin from 120, p90 = 134 in the one from 130.
    expect(fromRollup.wait).toEqual({ p50: 120, p90: 130, mean: (125 + 129 + 134) / 3, count: 3 });
    // First responses 1, 3, 59.7 s: 1 s bins under 2 minutes.
    expect(fromRollup.firstResponse).toMatchObject({ p50: 3, p90: 59, count: 3 });
    expect(fromRollup.firstResponse.mean).toBeCloseTo((1 + 3 + 59.7) / 3, 6);
    // Handle 650 s, 4000 s (5 min bins from 1 h: 3900), 200,000 s (the bin of 48 h and more).
    expect(fromRollup.handle).toEqual({ p50: 3900, p90: 172_800, mean: (650 + 4000 + 200_000) / 3, count: 3 });
    // The same day in UTC is read from the conversations (another zone): the same bins.
    const fromRows = (await get('?from=2026-06-10&to=2026-06-10&tz=UTC')).body.total;
    expect([fromRows.wait, fromRows.handle]).toEqual([fromRollup.wait, fromRollup.handle]);
  });

  it('counts a conversation closed after the rollup ran and a late rating, at once and after the next run', async () => {
    const before = (await get(`?${LATE_DAY}`)).body.total;
    expect(before).toMatchObject({ conversations: 2, assigned: 2, handle: { count: 1, p50: 100 }, csat: { count: 0 }, dispositions: {} });
    const monthBefore = (await get(`?${JUNE}`)).body;
    const repo = bridge.app.get(ConversationRepository);
    // Through the engine's own statements: the close, the disposition, the rating.
    expect(await repo.close(openLate, 'agent_closed', 'test')).not.toBeNull();
    await repo.setDisposition(openLate, 'resolved');
    expect(await repo.recordCsat(ratedLate, 2)).toBe(true);
    const dirty = (await db.query(`SELECT day::text FROM report_dirty_days`)).rows.map((r) => r.day);
    expect(dirty).toEqual(['2026-06-20']);

    // Before any rollup run: the changed day comes from the rows.
    const now = (await get(`?${LATE_DAY}`)).body;
    expect(now.total).toMatchObject({ conversations: 2, assigned: 2, dispositions: { resolved: 1 }, csat: { count: 1, distribution: [0, 1, 0, 0, 0] } });
    // Handle 100 s and the months since June 20 (the bin of 48 h and more).
    expect(now.total.handle).toMatchObject({ count: 2, p50: 100, p90: 172_800 });
    const month = (await get(`?${JUNE}`)).body;
    expect(month.total.conversations).toBe(monthBefore.total.conversations);
    expect(month.total.csat.count).toBe(monthBefore.total.csat.count + 1);
    expect(month.total.handle.count).toBe(monthBefore.total.handle.count + 1);
    const agent = (body: any, id: string) => body.agents.find((a: any) => a.agentId === id);
    expect(agent(month, ann.id).csat.count).toBe(agent(monthBefore, ann.id).csat.count + 1);
    expect(agent(month, ben.id).dispositions.resolved).toBe((agent(monthBefore, ben.id).dispositions.resolved ?? 0) + 1);

    // The next run recomputes that day and June (month rows serve whole months), and the report stays the same.
    const run = await rollUp();
    expect(run.dirtyDaysRecomputed).toBe(1);
    expect(run.monthsRolled).toBe(1);
    expect((await db.query(`SELECT count(*)::int AS n FROM report_dirty_days`)).rows[0].n).toBe(0);
    expect((await get(`?${LATE_DAY}`)).body).toEqual(now);
    expect((await get(`?${JUNE}`)).body).toEqual(month);
    // Run again: nothing to do, nothing changes.
    expect(await rollUp()).toMatchObject({ daysRolled: 0, dirtyDaysRecomputed: 0, monthsRolled: 0 });
    expect((await get(`?${JUNE}`)).body).toEqual(month);
  });

  it('has a migration that reverts and applies again, and the report answers from a rebuilt rollup', async () => {
    const exists = async () => (await db.query(`SELECT to_regclass('report_rollup') AS t, to_regclass('report_dirty_days') AS d,
      (SELECT count(*)::int FROM pg_trigger WHERE tgname LIKE 'conversations_report_dirty%') AS triggers`)).rows[0];
    expect(await exists()).toEqual({ t: 'report_rollup', d: 'report_dirty_days', triggers: 2 });
    // Later migrations are reverted first, as they would be.
    const applied = async () => (await db.query(`SELECT name FROM migrations ORDER BY id`)).rows.map((r) => r.name as string);
    while ((await applied()).includes('ReportRollup1764560000000')) await revertLastMigration(env.databaseUrl);
    expect(await exists()).toEqual({ t: null, d: null, triggers: 0 });
    expect((await db.query(`SELECT to_regclass('conversations_report') AS i`)).rows[0].i).toBe('conversations_report');
    expect((await runMigrations(env.databaseUrl)).applied).toContain('ReportRollup1764560000000');
    // Empty again: every day from the rows until the job has run, then from the rollup; the same answer.
    expect((await get(`?${RANGE}`)).body.total.conversations).toBe(7);
    expect((await rollUp()).daysRolled).toBeGreaterThan(180);
    expect((await get(`?${RANGE}`)).body.total).toMatchObject({ conversations: 7, wait: { p50: 30, p90: 90, mean: 45, count: 4 } });
  });
});
