import { randomUUID } from 'node:crypto';
import { AgentRepository, hashPassword, type Agent } from '@agent-bridge/console';
import { ConversationRepository } from '@agent-bridge/handoff';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { ConsoleClient } from './console-client';

const bot = TEST_BOT.botId;
const PASSWORD = 'correct horse battery staple';
const CONTEXT = { session: { BotUserSession: { plan: 'Gold', lang: 'fr', order: { id: 'A-17', items: 3 } } } };

/**
 * The context panel's reads over real socket.io: what an agent sees beside a conversation, and that
 * a visitor's past sessions are read only through a conversation the agent may read.
 */
describe('console context panel and past conversations', () => {
  let env: TestEnvironment;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let ben: Agent;
  const clients: ConsoleClient[] = [];

  async function connect(email: string): Promise<ConsoleClient> {
    const { body } = await ConsoleClient.signIn(bridge.url, email, PASSWORD);
    const client = new ConsoleClient(bridge.url, body.token);
    clients.push(client);
    await client.connected();
    await client.waitForEvent('session');
    return client;
  }

  const active = (user: string) => waitFor(`${user} queued`, () => bridge.app.get(ConversationRepository).findActive(bot, user));

  beforeAll(async () => {
    env = await createTestEnvironment('console_context');
    bridge = await startBridge(testConfig(env, {
      handoff: { provider: 'console', keywords: ['human', 'talk to someone'] },
      console: {
        autoAssign: false,
        contextFields: [
          { label: 'Plan', path: 'session.BotUserSession.plan' },
          { label: 'Order', path: 'session.BotUserSession.order' },
          { label: 'Missing', path: 'session.BotUserSession.nothing.here' },
          { label: 'Prototype', path: 'session.constructor' },
        ],
      },
    }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    const agents = bridge.app.get(AgentRepository);
    const hash = await hashPassword(PASSWORD);
    await agents.create({ email: 'ann@example.com', name: 'Ann', role: 'agent', passwordHash: hash, maxChats: 3 });
    ben = await agents.create({ email: 'ben@example.com', name: 'Ben', role: 'agent', passwordHash: hash, maxChats: 1 });
    await agents.create({ email: 'sue@example.com', name: 'Sue', role: 'supervisor', passwordHash: hash });
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await sim?.stop();
    await bridge?.close();
    await env?.destroy();
  });

  it('shows the reason, the chosen context fields and the past sessions with their dispositions, to whom may read them', async () => {
    const a = await connect('ann@example.com');
    const b = await connect('ben@example.com');
    const s = await connect('sue@example.com');

    // A first session, closed by Ann with a disposition.
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-ctx' });
    const first = (await active('u-ctx')).id;
    expect((await a.call('queue:accept', { conversationId: first })).ok).toBe(true);
    expect((await a.call('message:send', { conversationId: first, clientId: randomUUID(), text: 'Your order ships Monday.' })).ok).toBe(true);
    expect(await a.call('conversation:close', { conversationId: first, disposition: 'follow-up' })).toEqual({ ok: true });
    await a.waitForEvent('conversation:closed', (e) => e.conversationId === first && e.disposition === 'follow-up');
    await waitFor('back with the bot', async () => (await bridge.app.get(ConversationRepository).findById(first))?.state === 'closed');

    // The user comes back and asks for a human by keyword, the bot having collected a few things.
    await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-ctx', message: 'Can I TALK to a Human?', body: { context: CONTEXT } });
    const second = (await active('u-ctx')).id;

    // Queued: any agent may look before accepting.
    const queued = await b.call('conversation:context', { conversationId: second });
    expect(queued.ok).toBe(true);
    expect(queued.context).toMatchObject({
      conversationId: second,
      user: { name: 'Sandbox User', email: expect.stringContaining('@example.com'), visitorKey: 'u-ctx', channel: 'rtm' },
      reason: { trigger: 'keyword', keyword: 'human', tone: null, at: expect.any(String) },
      disposition: null,
    });
    expect(queued.context.fields).toEqual([
      { label: 'Plan', path: 'session.BotUserSession.plan', value: 'Gold' },
      { label: 'Order', path: 'session.BotUserSession.order', value: '{"id":"A-17","items":3}' },
      { label: 'Missing', path: 'session.BotUserSession.nothing.here', value: null },
      { label: 'Prototype', path: 'session.constructor', value: null },
    ]);
    expect(queued.context.past).toEqual([
      expect.objectContaining({ id: first, state: 'closed', disposition: 'follow-up', closeReason: 'agent_closed', agentName: 'Ann', trigger: 'agent_transfer' }),
    ]);

    // Ann takes it: now only she (and supervisors) may read it and its visitor's past.
    expect((await a.call('queue:accept', { conversationId: second })).ok).toBe(true);
    const past = await a.call('conversation:past', { conversationId: second, pastId: first });
    expect(past).toMatchObject({ ok: true, conversation: { id: first, disposition: 'follow-up' }, more: false });
    expect(past.messages.map((m: any) => [m.kind, m.authorName, m.text])).toEqual(expect.arrayContaining([
      ['agent', 'Ann', 'Your order ships Monday.'],
      ['system', null, 'An agent will be with you shortly.'],
    ]));
    expect(await b.call('conversation:context', { conversationId: second })).toEqual({ ok: false, error: 'not allowed' });
    expect(await b.call('conversation:past', { conversationId: second, pastId: first })).toEqual({ ok: false, error: 'not allowed' });
    // Nor by the past session's own id: it is closed and was never Ben's.
    expect(await b.call('conversation:past', { conversationId: first, pastId: first })).toEqual({ ok: false, error: 'not allowed' });
    expect(await b.call('conversation:sync', { conversationId: first, after: null })).toEqual({ ok: false, error: 'not allowed' });
    expect((await s.call('conversation:past', { conversationId: second, pastId: first })).ok).toBe(true);
    expect((await s.call('conversation:context', { conversationId: second })).context.past).toHaveLength(1);

    // Ben holds another visitor's chat: it opens no door to u-ctx's past.
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-other' });
    const other = (await active('u-other')).id;
    expect((await b.call('queue:accept', { conversationId: other })).ok).toBe(true);
    expect(await b.call('conversation:past', { conversationId: other, pastId: first })).toEqual({ ok: false, error: 'not allowed' });
    expect(await b.call('conversation:past', { conversationId: other, pastId: randomUUID() })).toEqual({ ok: false, error: 'not allowed' });
    expect(await b.call('conversation:past', { conversationId: other, pastId: 'not-a-uuid' })).toEqual({ ok: false, error: 'not allowed' });
    expect(await b.call('conversation:context', { conversationId: other })).toMatchObject({ ok: true, context: { past: [] } });
    for (const body of [null, {}, { conversationId: 42 }, { conversationId: other, pastId: { $ne: null } }, { conversationId: [other], pastId: first }]) {
      expect(await b.call('conversation:past', body)).toEqual({ ok: false, error: 'not allowed' });
    }
    expect(await b.call('conversation:context', { conversationId: 'x'.repeat(5000) })).toEqual({ ok: false, error: 'not allowed' });

    // The disposition shows in the context of a closed conversation too.
    expect(await a.call('conversation:close', { conversationId: second, disposition: 'resolved' })).toEqual({ ok: true });
    expect((await a.call('conversation:context', { conversationId: second })).context.disposition).toBe('resolved');
    await b.call('conversation:close', { conversationId: other, disposition: null });
  });

  it('names the tone and its level when the tone handed over', async () => {
    const a = await connect('ann@example.com');
    await sim.sendEvent({ botId: bot, event: 'on_bot_message', userId: 'u-tone', tone: { name: 'angry', level: 3 } });
    const id = (await active('u-tone')).id;
    const context = await a.call('conversation:context', { conversationId: id });
    expect(context.context.reason).toMatchObject({ trigger: 'tone', tone: { name: 'angry', level: 3 }, keyword: null });
    await a.call('queue:accept', { conversationId: id });
    await a.call('conversation:close', { conversationId: id, disposition: null });
  });

  it('transfers only to an agent available now, with room left', async () => {
    const a = await connect('ann@example.com');
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-move' });
    const id = (await active('u-move')).id;
    expect((await a.call('queue:accept', { conversationId: id })).ok).toBe(true);
    const status = async () => (await a.call('agents:list', {})).items.find((i: any) => i.id === ben.id).status;

    // Ben is not signed in.
    expect(await status()).toBe('offline');
    expect(await a.call('conversation:transfer', { conversationId: id, toAgentId: ben.id })).toEqual({ ok: false, error: 'agent not available' });

    const b = await connect('ben@example.com');
    expect(await status()).toBe('available');
    await b.call('presence:set', { status: 'away' });
    expect(await status()).toBe('away');
    expect(await a.call('conversation:transfer', { conversationId: id, toAgentId: ben.id })).toEqual({ ok: false, error: 'agent not available' });
    await b.call('presence:set', { status: 'available' });

    // Ben (one chat at most) takes another user first: full.
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-busy' });
    const busy = (await active('u-busy')).id;
    expect((await b.call('queue:accept', { conversationId: busy })).ok).toBe(true);
    expect(await a.call('conversation:transfer', { conversationId: id, toAgentId: ben.id })).toEqual({ ok: false, error: 'at_capacity' });
    await b.call('conversation:close', { conversationId: busy, disposition: null });
    expect((await a.call('conversation:transfer', { conversationId: id, toAgentId: ben.id })).ok).toBe(true);

    // A closed tab: offline at once, though the chats wait out the grace period.
    b.close();
    await waitFor('ben offline', async () => ((await status()) === 'offline' ? true : null));
    const c = await connect('ben@example.com');
    expect((await c.call('conversation:close', { conversationId: id, disposition: null })).ok).toBe(true);
  });
});
