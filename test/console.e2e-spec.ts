import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { AgentRepository, hashPassword, type Agent } from '@agent-bridge/console';
import { ConversationRepository } from '@agent-bridge/handoff';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { ConsoleClient } from './console-client';

const bot = TEST_BOT.botId;
const PASSWORD = 'correct horse battery staple';

describe('agent console gateway (real socket.io clients, bridge, platform sandbox)', () => {
  let env: TestEnvironment;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let ann: Agent;
  let ben: Agent;
  let sue: Agent;
  const clients: ConsoleClient[] = [];

  async function connect(email: string): Promise<ConsoleClient> {
    const { body } = await ConsoleClient.signIn(bridge.url, email, PASSWORD);
    const client = new ConsoleClient(bridge.url, body.token);
    clients.push(client);
    await client.connected();
    await client.waitForEvent('session');
    return client;
  }

  async function transfer(user: string): Promise<string> {
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: user });
    const conversation = await waitFor('queued', () => bridge.app.get(ConversationRepository).findActive(bot, user));
    return conversation.id;
  }

  beforeAll(async () => {
    env = await createTestEnvironment('console');
    bridge = await startBridge(testConfig(env, { handoff: { provider: 'console' }, console: { autoAssign: false, disconnectGraceSeconds: 2 } }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    const agents = bridge.app.get(AgentRepository);
    const hash = await hashPassword(PASSWORD);
    ann = await agents.create({ email: 'ann@example.com', name: 'Ann', role: 'agent', passwordHash: hash, maxChats: 2 });
    ben = await agents.create({ email: 'ben@example.com', name: 'Ben', role: 'agent', passwordHash: hash });
    sue = await agents.create({ email: 'sue@example.com', name: 'Sue', role: 'supervisor', passwordHash: hash });
    await agents.addCannedResponse('hello', 'Greeting', 'Hello! How can I help?');
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await sim?.stop();
    await bridge?.close();
    await env?.destroy();
  });

  describe('auth', () => {
    it('signs in with the right password only', async () => {
      expect((await ConsoleClient.signIn(bridge.url, 'ann@example.com', 'wrong')).status).toBe(401);
      expect((await ConsoleClient.signIn(bridge.url, 'nobody@example.com', PASSWORD)).status).toBe(401);
      const ok = await ConsoleClient.signIn(bridge.url, 'ANN@example.com', PASSWORD);
      expect(ok.status).toBe(200);
      expect(ok.body.agent).toEqual({ id: ann.id, name: 'Ann', email: 'ann@example.com', role: 'agent', maxChats: 2 });
      expect(JSON.stringify(ok.body)).not.toContain('password');
    });

    it('refuses a socket without a token or with a bad one', async () => {
      for (const token of [undefined, 'not-a-token', `${(await ConsoleClient.signIn(bridge.url, 'ann@example.com', PASSWORD)).body.token}x`]) {
        const client = new ConsoleClient(bridge.url, token);
        clients.push(client);
        expect(await client.connectError()).toBe('unauthorized');
        expect(client.received).toEqual([]);
      }
    });

    it('refuses every connection to the default namespace "/", signed in or not', async () => {
      const token = (await ConsoleClient.signIn(bridge.url, 'ann@example.com', PASSWORD)).body.token;
      for (const [transport, auth] of [['websocket', {}], ['polling', {}], ['websocket', { token }]] as const) {
        const socket = io(bridge.url, { transports: [transport], auth, reconnection: false, forceNew: true });
        try {
          const outcome = await new Promise<string>((resolve) => {
            socket.once('connect', () => resolve('connected'));
            socket.once('connect_error', (error) => resolve(error.message));
          });
          expect(outcome).toBe('no such namespace');
        } finally {
          socket.close();
        }
      }
    });
  });

  it('runs a hand-off: queue, a race to accept, chat both ways, notes, typing, transfer and close', async () => {
    const a = await connect('ann@example.com');
    const b = await connect('ben@example.com');
    const s = await connect('sue@example.com');
    const id = await transfer('u-console');
    const item = await a.waitForEvent('queue', (q) => q.items.some((i: any) => i.conversationId === id));
    expect(item.items[0]).toMatchObject({ conversationId: id, position: 1, trigger: 'agent_transfer' });
    expect((await sim.waitForDelivered(bot, 'u-console', 2)).slice(-1)[0]).toMatch(/^You are number 1 in the queue\./);

    // Two agents accept at the same moment: exactly one wins.
    const [ra, rb] = await Promise.all([a.call('queue:accept', { conversationId: id }), b.call('queue:accept', { conversationId: id })]);
    expect([ra.ok, rb.ok].sort()).toEqual([false, true]);
    const [winner, loser] = ra.ok ? [a, b] : [b, a];
    expect((ra.ok ? rb : ra).error).toBe('taken');
    const winnerAgent = ra.ok ? ann : ben;
    const loserAgent = ra.ok ? ben : ann;
    expect((await sim.waitForDelivered(bot, 'u-console', 3)).pop()).toBe(`${winnerAgent.name} has joined the chat.`);

    // The user writes; the agent who owns the chat (and the supervisor) sees it, the other agent does not.
    await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-console', message: '<script>alert(1)</script> hi' });
    const userMessage = await winner.waitForEvent('message', (m) => m.conversationId === id && m.kind === 'user');
    expect(userMessage.text).toBe('<script>alert(1)</script> hi');
    await s.waitForEvent('message', (m) => m.conversationId === id && m.kind === 'user');
    expect(loser.events('message').filter((m) => m.conversationId === id)).toHaveLength(0);
    expect(await loser.call('conversation:sync', { conversationId: id, after: null })).toEqual({ ok: false, error: 'not allowed' });
    expect(await loser.call('message:send', { conversationId: id, clientId: randomUUID(), text: 'sneaky' })).toEqual({ ok: false, error: 'not allowed' });

    const clientId = randomUUID();
    const sent = await winner.call('message:send', { conversationId: id, clientId, text: 'Hello, how can I help?' });
    expect(sent).toMatchObject({ ok: true, message: { kind: 'agent', clientId, text: 'Hello, how can I help?' } });
    expect((await sim.waitForDelivered(bot, 'u-console', 4)).pop()).toBe('Hello, how can I help?');
    await winner.waitForEvent('message', (m) => m.cursor === sent.message.cursor && m.deliveryState === 'delivered');
    // Resending with the same client id (after a reconnect) does not send twice.
    expect((await winner.call('message:send', { conversationId: id, clientId, text: 'Hello, how can I help?' })).message.cursor).toBe(sent.message.cursor);

    const note = await winner.call('note:add', { conversationId: id, text: 'VIP customer' });
    expect(note.message.kind).toBe('note');

    await sim.clientEvent(bot, 'u-console', 'TYPING_STARTED');
    await winner.waitForEvent('typing', (t) => t.conversationId === id && t.typing === true);

    expect((await winner.call('canned:list', {})).items).toEqual([{ shortcut: 'hello', title: 'Greeting', text: 'Hello! How can I help?' }]);

    const transferred = await winner.call('conversation:transfer', { conversationId: id, toAgentId: loserAgent.id, note: 'billing question' });
    expect(transferred.ok).toBe(true);
    await loser.waitForEvent('conversation', (c) => c.id === id && c.agentId === loserAgent.id);
    await winner.waitForEvent('conversation:closed', (c) => c.conversationId === id && c.reason === 'transferred');
    expect((await sim.waitForDelivered(bot, 'u-console', 5)).pop()).toBe(`${loserAgent.name} has joined the chat.`);
    const history = await loser.call('conversation:sync', { conversationId: id, after: null });
    expect(history.messages.map((m: any) => m.kind)).toEqual(expect.arrayContaining(['user', 'agent', 'note', 'system']));
    expect(history.messages.find((m: any) => m.kind === 'note' && m.text === 'Transfer note: billing question')).toBeDefined();
    expect(sim.delivered(bot, 'u-console')).not.toContain('VIP customer');

    expect(await loser.call('conversation:close', { conversationId: id, disposition: 'resolved' })).toEqual({ ok: true });
    await sim.waitForCalls({ fn: 'clearAgentSession', userId: 'u-console' }, 1, 10_000);
    expect(sim.delivered(bot, 'u-console').pop()).toBe('The agent has ended the chat. You are back with the assistant.');
  });

  it('loses nothing over a dropped socket: the agent syncs from its last cursor', async () => {
    const a = await connect('ann@example.com');
    const id = await transfer('u-drop');
    expect((await a.call('queue:accept', { conversationId: id })).ok).toBe(true);
    await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-drop', message: 'before the drop' });
    const before = await a.waitForEvent('message', (m) => m.conversationId === id && m.text === 'before the drop');
    a.close();
    for (const text of ['while away 1', 'while away 2']) await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-drop', message: text });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const again = await connect('ann@example.com');
    await again.waitForEvent('conversation', (c) => c.id === id);
    const synced = await again.call('conversation:sync', { conversationId: id, after: before.cursor });
    expect(synced.messages.filter((m: any) => m.kind === 'user').map((m: any) => m.text)).toEqual(['while away 1', 'while away 2']);
  });

  it('re-queues the chats of an agent gone past the grace period', async () => {
    const a = await connect('ann@example.com');
    const id = await transfer('u-grace');
    expect((await a.call('queue:accept', { conversationId: id })).ok).toBe(true);
    a.close();
    await waitFor('re-queued', async () => (await bridge.app.get(ConversationRepository).findById(id))?.state === 'queued', 10_000);
    expect(sim.delivered(bot, 'u-grace')).toContain('An agent will be with you shortly.');
    const transitions = await bridge.app.get(ConversationRepository).transitions(id);
    expect(transitions.map((t) => `${t.from}->${t.to}:${t.reason}`)).toEqual(['bot->queued:agent_transfer', 'queued->assigned:agent_joined', 'assigned->queued:agent_left']);
  });

  it('limits concurrent chats per agent', async () => {
    const a = await connect('ann@example.com'); // maxChats 2
    const results = [];
    for (const user of ['u-cap-1', 'u-cap-2', 'u-cap-3']) results.push(await a.call('queue:accept', { conversationId: await transfer(user) }));
    const ended = results.filter((r) => r.ok);
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(results[2].error).toBe('at_capacity');
    for (const r of ended) await a.call('conversation:close', { conversationId: r.conversation.id, disposition: null });
  });
});

describe('agent console auto-assignment', () => {
  let env: TestEnvironment;

  beforeAll(async () => {
    env = await createTestEnvironment('console_auto');
  });
  afterAll(() => env?.destroy());

  it('assigns a waiting chat to the least-loaded available agent', async () => {
    const bridge = await startBridge(testConfig(env, { handoff: { provider: 'console' }, console: { autoAssign: true } }));
    const sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    const clients: ConsoleClient[] = [];
    try {
      const agents = bridge.app.get(AgentRepository);
      const hash = await hashPassword(PASSWORD);
      await agents.create({ email: 'x@example.com', name: 'Xena', role: 'agent', passwordHash: hash });
      const yan = await agents.create({ email: 'y@example.com', name: 'Yan', role: 'agent', passwordHash: hash });
      for (const email of ['x@example.com', 'y@example.com']) {
        const { body } = await ConsoleClient.signIn(bridge.url, email, PASSWORD);
        const client = new ConsoleClient(bridge.url, body.token);
        clients.push(client);
        await client.connected();
        await client.waitForEvent('session');
      }
      const [xena, yanClient] = clients as [ConsoleClient, ConsoleClient];
      await xena.call('presence:set', { status: 'away' });
      await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-auto' });
      const view = await yanClient.waitForEvent('conversation', (c) => c.visitorKey === 'u-auto');
      expect(view.agentId).toBe(yan.id);
      expect((await sim.waitForDelivered(bot, 'u-auto', 2, 10_000)).pop()).toBe('Yan has joined the chat.');
    } finally {
      for (const c of clients) c.close();
      await sim.stop();
      await bridge.close();
    }
  });
});

describe('agent console across instances', () => {
  let env: TestEnvironment;

  beforeAll(async () => {
    env = await createTestEnvironment('console_multi');
  });
  afterAll(() => env?.destroy());

  it('reaches an agent connected to one instance with events handled by another', async () => {
    const config = testConfig(env, { handoff: { provider: 'console' }, console: { autoAssign: false } });
    const a = await startBridge(config);
    // The second instance serves HTTP and sockets only: every job runs on the first.
    const b = await startBridge({ ...config, workers: { enabled: false, concurrency: 1 } });
    const sim = await startSim(a.url, [simBot(bot, TEST_BOT)]);
    let client: ConsoleClient | undefined;
    try {
      await b.app.get(AgentRepository).create({ email: 'm@example.com', name: 'Mia', role: 'agent', passwordHash: await hashPassword(PASSWORD) });
      const { body } = await ConsoleClient.signIn(b.url, 'm@example.com', PASSWORD);
      client = new ConsoleClient(b.url, body.token);
      await client.connected();
      await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-multi' });
      const queue = await client.waitForEvent('queue', (q) => q.items.length === 1);
      expect((await client.call('queue:accept', { conversationId: queue.items[0].conversationId })).ok).toBe(true);
      await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-multi', message: 'via instance A' });
      const message = await client.waitForEvent('message', (m) => m.kind === 'user');
      expect(message.text).toBe('via instance A');
    } finally {
      client?.close();
      await sim.stop();
      await b.close();
      await a.close();
    }
  });
});
