import { Client } from 'pg';
import { DEFAULT_MESSAGES, type AppConfig } from '@agent-bridge/config';
import { AgentRepository, hashPassword } from '@agent-bridge/console';
import { BotSettingsService, ConversationRepository, HandoffService } from '@agent-bridge/handoff';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { ConsoleClient } from './console-client';
import { LoopbackDesk } from './loopback-desk.client';

const bot = TEST_BOT.botId;
/** Served by the default credentials only: not in BOTS_FILE. */
const other = 'st-a1b2c3d4-0000-5000-8000-0000000000c2';
const PASSWORD = 'a long enough password';
const FILE_WAITING = 'Please hold on, a person will answer soon.';

/**
 * Per-bot texts and CSAT against real Postgres, Redis, HTTP and the platform sandbox, with two
 * bridges on one database and one Redis: an admin's change on one applies at once on the other,
 * and a rating asked by one is taken by the other, or by an instance started after the ask.
 */
describe('bot texts and CSAT', () => {
  let env: TestEnvironment;
  let config: AppConfig;
  let a: RunningBridge;
  let b: RunningBridge;
  let sim: PlatformSim;
  let db: Client;
  const tokens: Record<string, string> = {};

  async function api(method: string, path: string, token: string | null, body?: unknown, on: RunningBridge = a): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${on.url}/console/api/admin/bots${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  const admin = (method: string, path: string, body?: unknown, on: RunningBridge = a) => api(method, path, tokens.admin!, body, on);

  /** A user handed over through `via`, their chat taken by an agent on the loopback desk. */
  async function withAgent(user: string, botId = bot, via: RunningBridge = a): Promise<{ ref: string; conversationId: string }> {
    sim.setBridgeUrl(via.url);
    await sim.sendEvent({ botId, event: 'on_agent_transfer', userId: user });
    const desk = new LoopbackDesk(via.url);
    const chat = await desk.chatFor(user);
    expect(await desk.join(chat.ref)).toBe(200);
    const conversation = await waitFor(`${user} assigned`, async () => {
      const c = await a.app.get(ConversationRepository).findActive(botId, user);
      return c?.state === 'assigned' ? c : null;
    });
    return { ref: chat.ref, conversationId: conversation.id };
  }

  async function say(user: string, message: string, botId = bot, via: RunningBridge = a): Promise<void> {
    sim.setBridgeUrl(via.url);
    expect((await sim.sendEvent({ botId, event: 'on_user_message', userId: user, message })).status).toBe(200);
  }

  const csatOf = async (conversationId: string) =>
    (await db.query(`SELECT csat_requested_at, csat_score, csat_at FROM conversations WHERE id = $1`, [conversationId])).rows[0];
  const toBot = (user: string) => sim.calls({ fn: 'sendBotMessage', userId: user }).map((c) => c.body?.message);
  /** The platform has taken the user back (after the closing notices went out). */
  const backWithBot = (user: string, botId = bot) => waitFor(`${user} back with the bot`, () => !sim.inAgentSession(botId, user) || null);

  beforeAll(async () => {
    env = await createTestEnvironment('csat');
    config = testConfig(env, {
      kore: { bots: { [bot]: { clientId: TEST_BOT.clientId, clientSecret: TEST_BOT.clientSecret, jwtAlgorithm: 'HS256', handoff: { messages: { ...DEFAULT_MESSAGES, waiting: FILE_WAITING } } } } },
    });
    a = await startBridge(config);
    b = await startBridge(config);
    sim = await startSim(a.url, [simBot(bot, TEST_BOT), simBot(other, TEST_BOT)]);
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    const agents = a.app.get(AgentRepository);
    const hash = await hashPassword(PASSWORD);
    for (const role of ['admin', 'supervisor', 'agent'] as const) {
      await agents.create({ email: `${role}@example.com`, name: role, role, passwordHash: hash });
      tokens[role] = (await ConsoleClient.signIn(a.url, `${role}@example.com`, PASSWORD)).body.token;
    }
  });

  afterAll(async () => {
    await db?.end();
    await sim?.stop();
    await a?.close();
    await b?.close();
    await env?.destroy();
  });

  describe('admin API', () => {
    it('refuses signed-out callers (401) and agents and supervisors (403), changing nothing', async () => {
      const routes: Array<[string, string, unknown?]> = [['GET', ''], ['GET', `/${bot}`], ['PUT', `/${bot}`, { csatEnabled: true }]];
      for (const [method, path, body] of routes) {
        for (const token of [null, 'not-a-token', `${tokens.admin}x`]) {
          const res = await api(method, path, token, body);
          expect([method, path, token, res.status, res.body]).toEqual([method, path, token, 401, { errors: [{ msg: 'Sign in to the console first', code: 401 }] }]);
        }
        for (const role of ['agent', 'supervisor']) {
          const res = await api(method, path, tokens[role]!, body);
          expect([method, path, role, res.status, res.body]).toEqual([method, path, role, 403, { errors: [{ msg: 'Only admins may do this', code: 403 }] }]);
        }
      }
      expect((await db.query(`SELECT count(*)::int n FROM bot_settings`)).rows[0].n).toBe(0);
    });

    it('lists the bots of BOTS_FILE with what their users are told, defaults and placeholders', async () => {
      const res = await admin('GET', '');
      expect(res.status).toBe(200);
      expect(res.body.anyBot).toBe(true);
      expect(res.body.items).toEqual([{
        botId: bot,
        configured: true,
        texts: { ...DEFAULT_MESSAGES, waiting: FILE_WAITING },
        defaults: { ...DEFAULT_MESSAGES, waiting: FILE_WAITING },
        overridden: [],
        csatEnabled: false,
        updatedAt: null,
        updatedBy: null,
      }]);
      const keys = Object.fromEntries(res.body.keys.map((k: any) => [k.key, k.placeholders]));
      expect(keys).toMatchObject({ agentJoined: ['agent'], inactivity: ['duration', 'minutes'], csatPrompt: [], csatThanks: [] });
      expect(Object.keys(keys)).toEqual(Object.keys(DEFAULT_MESSAGES));
      // Another Kore bot id is served by the default credentials: it can be opened, a made-up id cannot.
      expect((await admin('GET', `/${other}`)).body.item).toMatchObject({ botId: other, configured: false, csatEnabled: false, texts: DEFAULT_MESSAGES });
      for (const id of ['not-a-bot', 'st-nope', '..', 'st-a1b2c3d4-0000-5000-8000-0000000000c2x']) expect([id, (await admin('GET', `/${id}`)).status]).toEqual([id, 404]);
    });

    it('validates input with 400 in the documented shape and stores nothing', async () => {
      const cases: unknown[] = [
        '[1]',
        'null',
        {},
        { texts: { nope: 'x' } },
        { texts: { waiting: 'ok', outsideHourz: 'typo' } },
        { texts: ['waiting'] },
        { texts: 'waiting' },
        { texts: { waiting: '   ' } },
        { texts: { waiting: 5 } },
        { texts: { waiting: null } },
        { texts: { waiting: 'x'.repeat(1001) } },
        { texts: { waiting: 'bell\u0007' } },
        { csatEnabled: 'yes' },
        { csatEnabled: true, colour: 'red' },
      ];
      for (const body of cases) {
        const res = await admin('PUT', `/${bot}`, body);
        expect([body, res.status]).toEqual([body, 400]);
        expect(res.body).toEqual({ errors: [{ msg: expect.any(String), code: 'BAD_REQUEST' }] });
      }
      expect((await admin('PUT', `/${bot}`, { texts: { nope: 'x' } })).body.errors[0].msg).toMatch(/Unknown text "nope"/);
      expect((await admin('PUT', '/not-a-bot', { csatEnabled: true })).status).toBe(404);
      expect((await db.query(`SELECT count(*)::int n FROM bot_settings`)).rows[0].n).toBe(0);
    });

    it('applies texts changed on one instance at once on the other, placeholders kept and filled', async () => {
      const put = await admin('PUT', `/${bot}`, { texts: { agentJoined: '{agent} is here to help, {who}.', waiting: 'Line one\nline two' } });
      expect(put.status).toBe(200);
      expect(put.body.item).toMatchObject({
        texts: { agentJoined: '{agent} is here to help, {who}.', waiting: 'Line one\nline two', agentLeft: DEFAULT_MESSAGES.agentLeft },
        defaults: { waiting: FILE_WAITING },
        overridden: ['waiting', 'agentJoined'],
        updatedBy: expect.stringMatching(/^agent:/),
      });
      // The other instance hears of it (no polling, no read per message): its memory changes.
      await waitFor('instance B has the new text', () => b.app.get(BotSettingsService).messages(bot).waiting === 'Line one\nline two' || null);
      expect((await admin('GET', `/${bot}`, undefined, b)).body.item.texts.agentJoined).toBe('{agent} is here to help, {who}.');
      // A hand-off handled wholly by B tells the user the new texts.
      await withAgent('u-texts', bot, b);
      const delivered = await sim.waitForDelivered(bot, 'u-texts', 2);
      expect(delivered.slice(0, 2)).toEqual(['Line one\nline two', 'Alice is here to help, {who}.']);
      // PUT replaces: a text left out is back to its default (here BOTS_FILE's).
      expect((await admin('PUT', `/${bot}`, { texts: { agentJoined: '{agent} joined.' } }, b)).body.item.texts.waiting).toBe(FILE_WAITING);
      await waitFor('instance A has it back', () => a.app.get(BotSettingsService).messages(bot).waiting === FILE_WAITING || null);
    });
  });

  describe('CSAT', () => {
    beforeAll(async () => {
      const res = await admin('PUT', `/${bot}`, { csatEnabled: true, texts: { csatPrompt: 'How did {agent} do?', csatThanks: 'Thanks, noted.' } });
      expect(res.body.item.csatEnabled).toBe(true);
      await waitFor('CSAT on at B', () => b.app.get(BotSettingsService).csatEnabled(bot) || null);
    });

    it('asks once with quick replies after the agent closes; the chosen payload is stored, thanked, and not the bot\'s', async () => {
      const { ref, conversationId } = await withAgent('u-qr');
      expect(await new LoopbackDesk(a.url).close(ref)).toBe(200);
      const template = (await waitFor('the rating question', () => sim.templates(bot, 'u-qr')[0])).template as any;
      expect(template).toMatchObject({ type: 'template', payload: { template_type: 'quick_replies', text: 'How did {agent} do?' } });
      expect(template.payload.quick_replies).toHaveLength(5);
      const delivered = sim.delivered(bot, 'u-qr');
      expect(delivered.slice(-2)).toEqual([DEFAULT_MESSAGES.agentLeft, JSON.stringify(template)]);
      const sent = sim.calls({ fn: 'sendUserMessage', userId: 'u-qr' }).at(-1)!.body;
      expect(sent).toMatchObject({ message: 'How did {agent} do?', overrideMessagePayload: { isTemplate: true, body: JSON.stringify(template) } });
      expect((await csatOf(conversationId)).csat_requested_at).toBeInstanceOf(Date);
      await backWithBot('u-qr');

      // The same end again (a retried job) asks nothing more.
      expect(await a.app.get(HandoffService).end(conversationId, 'agent_closed', 'test')).toBe(false);
      const before = toBot('u-qr').length;
      // Answered on the other instance.
      sim.setBridgeUrl(b.url);
      const answer = await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-qr', message: template.payload.quick_replies[3].payload });
      expect(answer.status).toBe(200);
      await waitFor('thanked', () => sim.delivered(bot, 'u-qr').at(-1) === 'Thanks, noted.' || null);
      const rated = await csatOf(conversationId);
      expect(rated).toMatchObject({ csat_score: 4, csat_at: expect.any(Date) });
      expect(sim.templates(bot, 'u-qr')).toHaveLength(1);
      // The platform retries the same event (same requestId) on the first instance: nothing is stored or said twice.
      sim.setBridgeUrl(a.url);
      expect((await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-qr', message: 'csat-2', requestId: answer.requestId })).status).toBe(200);
      const thanks = sim.delivered(bot, 'u-qr').filter((text) => text === 'Thanks, noted.').length;

      // The next message is the bot's again, and the score stays.
      await say('u-qr', '5');
      await waitFor('5 reached the bot', () => toBot('u-qr').includes('5') || null);
      expect(toBot('u-qr').slice(before)).toEqual(['5']);
      expect(await csatOf(conversationId)).toEqual(rated);
      expect(sim.delivered(bot, 'u-qr').filter((text) => text === 'Thanks, noted.')).toHaveLength(thanks);
      expect(thanks).toBe(1);
    });

    it('asks after the user leaves too, and takes a typed answer on an instance started after the ask', async () => {
      const { conversationId } = await withAgent('u-typed');
      await say('u-typed', 'clearagent');
      await waitFor('the rating question', () => sim.templates(bot, 'u-typed')[0]);
      await backWithBot('u-typed');
      // B stops and another instance starts: the pending question is in Redis and Postgres, not in memory.
      await b.close();
      b = await startBridge(config);
      expect(b.app.get(BotSettingsService).csatEnabled(bot)).toBe(true);
      await say('u-typed', ' 2/5 ', bot, b);
      await waitFor('thanked', () => sim.delivered(bot, 'u-typed').at(-1) === 'Thanks, noted.' || null);
      expect((await csatOf(conversationId)).csat_score).toBe(2);
      expect(toBot('u-typed')).not.toContain(' 2/5 ');
    });

    it('passes anything else to the bot, and the question lapses', async () => {
      const { ref, conversationId } = await withAgent('u-else');
      await new LoopbackDesk(a.url).close(ref);
      await waitFor('the rating question', () => sim.templates(bot, 'u-else')[0]);
      await backWithBot('u-else');
      await say('u-else', 'I have 2 questions');
      await waitFor('the bot has it', () => toBot('u-else').includes('I have 2 questions') || null);
      await say('u-else', '3');
      await waitFor('3 reached the bot', () => toBot('u-else').includes('3') || null);
      // The wait ended without a rating (csat_at set, no score): a rebuild of Redis does not open it again.
      expect(await csatOf(conversationId)).toMatchObject({ csat_requested_at: expect.any(Date), csat_score: null, csat_at: expect.any(Date) });
      expect(sim.delivered(bot, 'u-else')).not.toContain('Thanks, noted.');
    });

    it('does not ask when no agent held the chat', async () => {
      sim.setBridgeUrl(a.url);
      await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-queued' });
      const chat = await new LoopbackDesk(a.url).chatFor('u-queued');
      const { id } = (await a.app.get(ConversationRepository).findActive(bot, 'u-queued'))!;
      await new LoopbackDesk(a.url).close(chat.ref);
      await backWithBot('u-queued');
      expect(sim.templates(bot, 'u-queued')).toEqual([]);
      expect((await csatOf(id)).csat_requested_at).toBeNull();
    });

    it('never asks for a bot with CSAT off, and a digit is just a message to its bot', async () => {
      expect(a.app.get(BotSettingsService).csatEnabled(other)).toBe(false);
      const { ref, conversationId } = await withAgent('u-off', other);
      await new LoopbackDesk(a.url).close(ref);
      await backWithBot('u-off', other);
      expect(sim.delivered(other, 'u-off').at(-1)).toBe(DEFAULT_MESSAGES.agentLeft);
      await say('u-off', '5', other);
      await waitFor('5 reached the bot', () => toBot('u-off').includes('5') || null);
      expect(sim.templates(other, 'u-off')).toEqual([]);
      expect(await csatOf(conversationId)).toMatchObject({ csat_requested_at: null, csat_score: null });
    });
  });
});
