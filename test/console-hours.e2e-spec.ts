import { Client } from 'pg';
import { AgentRepository, hashPassword, type Agent } from '@agent-bridge/console';
import { ConversationRepository } from '@agent-bridge/handoff';
import { DEFAULT_MESSAGES } from '@agent-bridge/config';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { describeOpening, openState } from '../libs/handoff/src/hours/business-hours';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { ConsoleClient } from './console-client';

const bot = TEST_BOT.botId;
const PASSWORD = 'correct horse battery staple';
const MISSING = '00000000-0000-4000-8000-000000000000';
const DAY = 86_400_000;

jest.setTimeout(90_000);

/** Today and tomorrow in Tokyo: closed now whatever the hour, open from the day after at 00:00. */
function closedTokyo(): { weekly: Record<string, Array<[string, string]>>; holidays: string[] } {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date());
  const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
  const all: Array<[string, string]> = [['00:00', '24:00']];
  return { weekly: { mon: all, tue: all, wed: all, thu: all, fri: all, sat: all, sun: all }, holidays: [today, tomorrow] };
}

/**
 * Business hours end to end: the admin API (roles, validation, the change stored), both closed
 * paths through the platform sandbox, and the offline messages agents find afterwards.
 */
describe('business hours', () => {
  let env: TestEnvironment;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let db: Client;
  let ann: Agent;
  const tokens: Record<string, string> = {};
  const teams: Record<string, string> = {};

  async function api(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${bridge.url}/console/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async function team(name: string, hours: { weekly: unknown; holidays: string[] }, closedAction: 'bot' | 'message', timeZone = 'Asia/Tokyo'): Promise<string> {
    const { rows } = await db.query(
      `INSERT INTO teams (name, time_zone, weekly_hours, holidays, closed_action) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [name, timeZone, JSON.stringify(hours.weekly), JSON.stringify(hours.holidays), closedAction],
    );
    return rows[0].id;
  }

  /** The routing core picks the team by the shared routing_rules: one rule per test user's bot context value. */
  async function routeTo(teamId: string, value: string): Promise<void> {
    await db.query(`INSERT INTO routing_rules (position, bot_id, context_path, context_value, team_id) VALUES (0, $1, 'session.BotUserSession.hoursCase', $2, $3)`, [bot, value, teamId]);
  }

  async function transfer(user: string, hoursCase: string): Promise<void> {
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: user, body: { context: { session: { UserContext: { _id: user, firstName: 'Dana' }, BotUserSession: { hoursCase } } } } });
  }

  async function closedConversation(user: string): Promise<{ id: string; close_reason: string; provider_ref: string | null; team_id: string }> {
    return waitFor(`${user}'s conversation closed`, async () => {
      const { rows } = await db.query(`SELECT id, close_reason, provider_ref, team_id FROM conversations WHERE bot_id = $1 AND visitor_key = $2 AND state = 'closed'`, [bot, user]);
      return rows[0] ?? null;
    }, 30_000);
  }

  beforeAll(async () => {
    env = await createTestEnvironment('console_hours');
    bridge = await startBridge(testConfig(env, { handoff: { provider: 'console' }, console: { autoAssign: true } }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    const agents = bridge.app.get(AgentRepository);
    const hash = await hashPassword(PASSWORD);
    await agents.create({ email: 'ada@example.com', name: 'Ada', role: 'admin', passwordHash: hash });
    ann = await agents.create({ email: 'ann@example.com', name: 'Ann', role: 'agent', passwordHash: hash });
    await agents.create({ email: 'bob@example.com', name: 'Bob', role: 'agent', passwordHash: hash });
    await agents.create({ email: 'sue@example.com', name: 'Sue', role: 'supervisor', passwordHash: hash });
    for (const [role, email] of [['admin', 'ada'], ['agent', 'ann'], ['other', 'bob'], ['supervisor', 'sue']]) {
      const { status, body } = await ConsoleClient.signIn(bridge.url, `${email}@example.com`, PASSWORD);
      expect(status).toBe(200);
      tokens[role!] = body.token;
    }
    teams.bot = await team('Night desk', closedTokyo(), 'bot');
    teams.message = await team('Billing', closedTokyo(), 'message');
    teams.open = await team('Always', { weekly: null, holidays: [] }, 'message', 'UTC');
    await db.query(`INSERT INTO agent_teams (agent_id, team_id) VALUES ($1, $2)`, [ann.id, teams.message]);
  });

  afterAll(async () => {
    await db?.end();
    await sim?.stop();
    await bridge?.close();
    await env?.destroy();
  });

  describe('admin API', () => {
    const change = { timeZone: 'Europe/Berlin', weeklyHours: { mon: [['09:00', '17:00']], fri: [['22:00', '02:00']] }, holidays: ['2026-12-25'], closedAction: 'message' };

    it('refuses signed out (401) and agents and supervisors (403), changing nothing', async () => {
      for (const [method, path] of [['GET', '/admin/hours'], ['GET', `/admin/teams/${teams.open}/hours`], ['PUT', `/admin/teams/${teams.open}/hours`]] as const) {
        const body = method === 'PUT' ? change : undefined;
        for (const token of [null, 'not-a-token']) {
          const res = await api(method, path, token, body);
          expect([method, path, res.status, res.body]).toEqual([method, path, 401, { errors: [{ msg: 'Sign in to the console first', code: 401 }] }]);
        }
        for (const role of ['agent', 'supervisor']) {
          const res = await api(method, path, tokens[role]!, body);
          expect([method, path, role, res.status, res.body]).toEqual([method, path, role, 403, { errors: [{ msg: 'Only admins may do this', code: 403 }] }]);
        }
      }
      const { rows } = await db.query(`SELECT time_zone, weekly_hours FROM teams WHERE id = $1`, [teams.open]);
      expect(rows[0]).toEqual({ time_zone: 'UTC', weekly_hours: null });
    });

    it('lists every team with whether it is open now, and stores a change that the next read shows', async () => {
      const list = await api('GET', '/admin/hours', tokens.admin!);
      expect(list.status).toBe(200);
      const night = list.body.items.find((t: any) => t.teamId === teams.bot);
      const expected = openState({ timeZone: 'Asia/Tokyo', weekly: closedTokyo().weekly, holidays: closedTokyo().holidays }, new Date());
      expect(night).toMatchObject({ name: 'Night desk', timeZone: 'Asia/Tokyo', closedAction: 'bot', openNow: false, nextOpen: expected.nextOpen!.toISOString() });
      expect(list.body.items.find((t: any) => t.teamId === teams.open)).toMatchObject({ weeklyHours: null, openNow: true, nextOpen: null });

      const scratch = await team('Scratch', { weekly: null, holidays: [] }, 'bot', 'UTC');
      const put = await api('PUT', `/admin/teams/${scratch}/hours`, tokens.admin!, change);
      expect(put.status).toBe(200);
      expect(put.body.item).toMatchObject(change);
      const { rows } = await db.query(`SELECT time_zone, weekly_hours, holidays, closed_action FROM teams WHERE id = $1`, [scratch]);
      expect(rows[0]).toEqual({ time_zone: 'Europe/Berlin', weekly_hours: change.weeklyHours, holidays: change.holidays, closed_action: 'message' });
      expect((await api('GET', `/admin/teams/${scratch}/hours`, tokens.admin!)).body.item).toMatchObject(change);
    });

    it('answers bad input with 400 in the error shape and unknown teams with 404, changing nothing', async () => {
      const cases: Array<[unknown, string]> = [
        [{ ...change, timeZone: 'Mars/Olympus' }, '"timeZone" must be a time zone name such as "Europe/Berlin" or "UTC"'],
        [{ ...change, weeklyHours: { mon: [['9', '17']] } }, '"weeklyHours.mon" ranges must be ["HH:MM", "HH:MM"] from 00:00 to 24:00'],
        [{ ...change, holidays: ['25/12/2026'] }, '"holidays" must hold dates written YYYY-MM-DD'],
        [{ ...change, closedAction: 'queue' }, '"closedAction" must be one of bot, message'],
        [{ ...change, extra: true }, 'Unknown field "extra"'],
        [[], 'The body must be a JSON object'],
      ];
      for (const [body, msg] of cases) {
        const res = await api('PUT', `/admin/teams/${teams.open}/hours`, tokens.admin!, body);
        expect([res.status, res.body]).toEqual([400, { errors: [{ msg, code: 'BAD_REQUEST' }] }]);
      }
      for (const id of [MISSING, 'not-a-uuid']) {
        expect((await api('PUT', `/admin/teams/${id}/hours`, tokens.admin!, change)).status).toBe(404);
        expect((await api('GET', `/admin/teams/${id}/hours`, tokens.admin!)).status).toBe(404);
      }
      const { rows } = await db.query(`SELECT time_zone, weekly_hours FROM teams WHERE id = $1`, [teams.open]);
      expect(rows[0]).toEqual({ time_zone: 'UTC', weekly_hours: null });
    });
  });

  describe('closed paths', () => {
    const next = (): string => {
      const { weekly, holidays } = closedTokyo();
      return describeOpening(openState({ timeZone: 'Asia/Tokyo', weekly, holidays }, new Date()).nextOpen!, 'Asia/Tokyo');
    };

    beforeAll(async () => {
      await routeTo(teams.bot!, 'night');
      await routeTo(teams.message!, 'billing');
    });

    it('closed, back to the bot: the user is told the next opening, the platform session is cleared, no desk chat', async () => {
      await transfer('u-night', 'night');
      const closed = await closedConversation('u-night');
      expect(closed).toMatchObject({ close_reason: 'after_hours', team_id: teams.bot });
      await sim.waitForCalls({ fn: 'clearAgentSession', userId: 'u-night' }, 1, 30_000);
      const said = await sim.waitForDelivered(bot, 'u-night', 1, 30_000);
      expect(said).toEqual([DEFAULT_MESSAGES.outsideHours.replace('{next}', next())]);
      expect(said[0]).toMatch(/at 00:00 GMT\+9/);
      expect(sim.calls({ fn: 'startAgentSession', userId: 'u-night' })).toHaveLength(0);
      // The console never saw it: no queue entry, no transcript to an agent.
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM transcript_messages WHERE conversation_id = $1 AND direction = 'to_agent'`, [closed.id]);
      expect(rows[0].n).toBe(0);
      // Back with the bot: the next message goes to the bot.
      const { requestId } = await sim.userSays(bot, 'u-night', 'hello bot');
      await sim.waitForCalls({ fn: 'sendBotMessage', requestId }, 1, 30_000);
    });

    it('closed, leave a message: kept for the team, thanked, closed after hours, found by the team and marked handled once', async () => {
      await transfer('u-bill', 'billing');
      await sim.waitForDelivered(bot, 'u-bill', 1, 30_000);
      expect(sim.delivered(bot, 'u-bill')[0]).toBe(DEFAULT_MESSAGES.outsideHoursLeaveMessage.replace('{next}', next()));
      await sim.waitForCalls({ fn: 'startAgentSession', userId: 'u-bill' }, 1, 30_000);
      const open = await waitFor('the waiting session', () => bridge.app.get(ConversationRepository).findActive(bot, 'u-bill'));
      // No agent takes it: the console queue does not list it, though an agent is online.
      const console = new ConsoleClient(bridge.url, tokens.agent!);
      // The offline page's socket (no seat) of Bob, in no team, and of Sue, who supervises every team.
      const bobPage = new ConsoleClient(bridge.url, tokens.other!, { view: 'offline' });
      const suePage = new ConsoleClient(bridge.url, tokens.supervisor!, { view: 'offline' });
      try {
        await Promise.all([console.connected(), bobPage.connected(), suePage.connected()]);
        // In their rooms once told so.
        for (const page of [bobPage, suePage]) expect((await page.waitForEvent('session')).status).toBe('offline-messages');
        const session = await console.waitForEvent('session');
        expect(JSON.stringify(session)).not.toContain(open.id);

        const { requestId } = await sim.userSays(bot, 'u-bill', 'Please call me back about invoice 42');
        const closed = await closedConversation('u-bill');
        expect(closed).toMatchObject({ id: open.id, close_reason: 'after_hours', team_id: teams.message, provider_ref: null });
        await sim.waitForCalls({ fn: 'clearAgentSession', userId: 'u-bill' }, 1, 30_000);
        expect(await sim.waitForDelivered(bot, 'u-bill', 2, 30_000)).toEqual([
          DEFAULT_MESSAGES.outsideHoursLeaveMessage.replace('{next}', next()),
          DEFAULT_MESSAGES.offlineMessageThanks,
        ]);
        expect(sim.calls({ fn: 'sendBotMessage', requestId })).toHaveLength(0);
        const { rows } = await db.query(`SELECT text, delivery_state FROM transcript_messages WHERE conversation_id = $1 AND direction = 'to_agent'`, [open.id]);
        expect(rows).toEqual([{ text: 'Please call me back about invoice 42', delivery_state: 'delivered' }]);
        // Pushed at once to the team's agent and the supervisor, never to an agent outside the team.
        const pushed = { id: open.id, teamId: teams.message, handled: false };
        expect(await console.waitForEvent('offline')).toEqual(pushed);
        expect(await suePage.waitForEvent('offline')).toEqual(pushed);
        const handled = await api('POST', `/offline/${open.id}/handled`, tokens.agent!);
        expect(handled.status).toBe(200);
        expect(await console.waitForEvent('offline', (c) => c.handled)).toEqual({ ...pushed, handled: true });
        expect(await suePage.waitForEvent('offline', (c) => c.handled)).toEqual({ ...pushed, handled: true });
        // A second mark changes nothing and tells nobody.
        expect((await api('POST', `/offline/${open.id}/handled`, tokens.supervisor!)).body.item).toMatchObject({ handledBy: 'Ann' });
        await console.call('presence:set', { status: 'available' });
        expect(console.events('offline')).toHaveLength(2);
        expect(bobPage.events('offline')).toEqual([]);
      } finally {
        console.close();
        bobPage.close();
        suePage.close();
      }
      // Back as it was for the checks below: not handled yet.
      await db.query(`UPDATE conversations SET offline_handled_at = NULL, offline_handled_by = NULL WHERE id = $1`, [open.id]);

      // Ann is in Billing; Bob is in no team; Sue supervises every team; signed out gets nothing.
      expect((await api('GET', '/offline', null)).status).toBe(401);
      const mine = await api('GET', '/offline', tokens.agent!);
      expect(mine.status).toBe(200);
      expect(mine.body.items).toEqual([expect.objectContaining({ id: open.id, teamName: 'Billing', visitorKey: 'u-bill', userName: 'Dana User', handledAt: null, messages: [expect.objectContaining({ text: 'Please call me back about invoice 42' })] })]);
      expect((await api('GET', '/offline', tokens.other!)).body.items).toEqual([]);
      expect((await api('GET', '/offline', tokens.supervisor!)).body.items.map((c: any) => c.id)).toEqual([open.id]);
      expect((await api('POST', `/offline/${open.id}/handled`, tokens.other!)).status).toBe(404);
      expect((await api('GET', '/offline?handled=maybe', tokens.agent!)).status).toBe(400);

      const first = await api('POST', `/offline/${open.id}/handled`, tokens.agent!);
      expect(first.status).toBe(200);
      expect(first.body.item).toMatchObject({ handledBy: 'Ann' });
      const again = await api('POST', `/offline/${open.id}/handled`, tokens.supervisor!);
      expect(again.body.item).toMatchObject({ handledBy: 'Ann', handledAt: first.body.item.handledAt });
      expect((await api('GET', '/offline', tokens.agent!)).body.items).toEqual([]);
      expect((await api('GET', '/offline?handled=true', tokens.agent!)).body.items.map((c: any) => c.id)).toEqual([open.id]);
    });

    it('a redelivered message event stores nothing twice and thanks once', async () => {
      await transfer('u-retry', 'billing');
      await sim.waitForCalls({ fn: 'startAgentSession', userId: 'u-retry' }, 1, 30_000);
      const built = sim.buildEvent({ botId: bot, event: 'on_user_message', userId: 'u-retry', message: 'Twice?', body: { agent_transfer: true } });
      const headers = sim.eventHeaders(bot);
      const path = `/sdk/bots/${bot}/on_user_message`;
      expect((await sim.sendRaw(path, JSON.stringify(built.body), headers)).status).toBe(200);
      const closed = await closedConversation('u-retry');
      expect((await sim.sendRaw(path, JSON.stringify(built.body), headers)).status).toBe(200);
      await sim.waitForDelivered(bot, 'u-retry', 2, 30_000);
      const { rows } = await db.query(`SELECT text FROM transcript_messages WHERE conversation_id = $1 AND direction = 'to_agent'`, [closed.id]);
      expect(rows).toEqual([{ text: 'Twice?' }]);
      const thanks = await db.query(`SELECT count(*)::int AS n FROM transcript_messages WHERE conversation_id = $1 AND direction = 'to_user' AND text = $2`, [closed.id, DEFAULT_MESSAGES.offlineMessageThanks]);
      expect(thanks.rows[0].n).toBe(1);
    });
  });
});
