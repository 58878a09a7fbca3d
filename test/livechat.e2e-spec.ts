import { ConversationRepository, DeskEventsService, ConversationRouter, MessageIntakeRepository, TranscriptRepository } from '@agent-bridge/handoff';
import { type Conversation } from '@agent-bridge/desk-port';
import { registerLiveChatWebhooks, LiveChatTokensService } from '@agent-bridge/providers';
import type Redis from 'ioredis';
import { BotkitClient } from '@agent-bridge/botkit';
import { LaneInboxService } from '@agent-bridge/events';
import { REDIS } from '@agent-bridge/persistence';
import { createTestEnvironment, freePort, testConfig, TEST_BOT, waitFor, type TestEnvironment, type TestConfigOverrides } from '@agent-bridge/testing';
import { LiveChatSim, SANDBOX_DEFAULTS } from '../apps/livechat-sim/src';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { LIVECHAT_SECRET, livechatSettings } from './livechat-harness';

const bot = TEST_BOT.botId;
const SECRET = LIVECHAT_SECRET;

function livechatConfig(env: TestEnvironment, lc: LiveChatSim, extra: TestConfigOverrides = {}) {
  return testConfig(env, {
    ...extra,
    handoff: { provider: 'livechat', ...extra.handoff },
    livechat: livechatSettings(lc, extra.livechat),
  });
}

/** Platform sandbox -> bridge -> LiveChat sandbox, and back through LiveChat's webhooks. */
describe('LiveChat v3.6 adapter', () => {
  let env: TestEnvironment;
  let lc: LiveChatSim;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let conversations: ConversationRepository;
  let port: number;

  beforeAll(async () => {
    env = await createTestEnvironment('livechat');
    port = await freePort();
    lc = new LiveChatSim({
      port: 0,
      agents: [{ id: 'alice@example.com', name: 'Alice Agent', online: true }, { id: 'bob@example.com', name: 'Bob Agent', online: true }],
      webhooks: { timeoutMs: 2000, retryDelaysMs: [200, 400, 800] },
      log: () => undefined,
    });
    await lc.start();
    bridge = await startBridge(livechatConfig(env, lc), {}, port);
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    conversations = bridge.app.get(ConversationRepository);
    // The command users run once (npm run livechat:webhooks), against the Configuration API.
    const result = await registerLiveChatWebhooks({
      apiUrl: lc.url,
      pat: { accountId: SANDBOX_DEFAULTS.patAccountId, token: SANDBOX_DEFAULTS.patToken },
      clientId: SANDBOX_DEFAULTS.clientId,
      url: `${bridge.url}/webhooks/livechat`,
      secret: SECRET,
    });
    expect(result.registered).toEqual(['incoming_event', 'chat_deactivated', 'user_added_to_chat', 'user_removed_from_chat', 'chat_transferred']);
  });

  afterAll(async () => {
    await sim?.stop();
    await bridge?.close();
    await lc?.stop();
    await env?.destroy();
  });

  afterEach(() => lc.resetFaults());

  async function handOff(user: string, join = true): Promise<{ chatId: string; conversation: Conversation }> {
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: user, body: { context: { session: { UserContext: { _id: user, firstName: 'Dana', lastName: user } } } } });
    const conversation = await waitFor('a LiveChat chat', async () => {
      const c = await conversations.findActive(bot, user);
      return c?.providerRef ? c : null;
    }, 10_000);
    if (join) {
      lc.agentJoin(conversation.providerRef!, 'alice@example.com');
      await sim.waitForDelivered(bot, user, 2, 10_000);
    }
    return { chatId: conversation.providerRef!, conversation };
  }

  const customerTexts = (chatId: string): string[] =>
    lc.customerEvents(chatId).flatMap((e) => (e.type === 'message' && typeof e.text === 'string' ? [e.text] : []));

  async function waitForCustomerTexts(chatId: string, count: number, timeoutMs = 10_000): Promise<string[]> {
    return waitFor(`${count} customer messages in LiveChat`, () => {
      const texts = customerTexts(chatId);
      return texts.length >= count ? texts : null;
    }, timeoutMs);
  }

  /** Until the notices of the hand-off are marked delivered: a message for the user then goes at once. */
  async function nothingPendingForUser(conversationId: string): Promise<void> {
    await waitFor('the notices marked delivered', async () => {
      const messages = await bridge.app.get(TranscriptRepository).list(conversationId);
      return messages.some((m) => m.direction === 'to_user' && m.deliveryState === 'pending') ? null : true;
    }, 10_000);
  }

  async function closedWith(conversationId: string): Promise<string | null> {
    return waitFor('session closed', async () => {
      const c = await conversations.findById(conversationId);
      return c?.state === 'closed' ? c.closeReason : null;
    }, 10_000);
  }

  async function expectClearedOnce(user: string): Promise<void> {
    await sim.waitForCalls({ fn: 'clearAgentSession', userId: user }, 1, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(sim.calls({ fn: 'clearAgentSession', userId: user })).toHaveLength(1);
  }

  it('opens a LiveChat chat whose first message names the user and links the history; the agent joining is told to the user', async () => {
    const { chatId } = await handOff('u-lc-open');
    const [intro] = customerTexts(chatId);
    expect(intro).toContain('Dana u-lc-open (u-lc-open)');
    expect(intro).toMatch(/History with the bot: http:\/\/127\.0\.0\.1:0\/history\/[\w-]+\.[\w-]+/);
    expect(sim.delivered(bot, 'u-lc-open')).toEqual(['An agent will be with you shortly.', 'Alice Agent has joined the chat.']);
    expect((await conversations.findActive(bot, 'u-lc-open'))!.state).toBe('assigned');
  });

  it('reuses the same LiveChat customer for the same user next time', async () => {
    const first = await handOff('u-lc-again', false);
    await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-lc-again', message: 'clearagent' });
    await closedWith(first.conversation.id);
    const second = await handOff('u-lc-again', false);
    expect(second.chatId).toBe(first.chatId); // one customer, one chat: resumed, not a new customer
    expect(lc.chat(second.chatId)!.threads.length).toBe(2);
  });

  it('relays both ways in order; the agent sees no echo of its own messages', async () => {
    const { chatId } = await handOff('u-lc-relay');
    for (const text of ['one', 'two', 'three']) await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-lc-relay', message: text });
    for (const text of ['A', 'B', 'C', 'D']) lc.agentSays(chatId, text, 'alice@example.com');
    expect((await waitForCustomerTexts(chatId, 4)).slice(1)).toEqual(['one', 'two', 'three']);
    expect((await sim.waitForDelivered(bot, 'u-lc-relay', 6, 10_000)).slice(2)).toEqual(['A', 'B', 'C', 'D']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sim.delivered(bot, 'u-lc-relay')).toHaveLength(6);
  });

  it('relays a file as a link', async () => {
    const { chatId } = await handOff('u-lc-file');
    lc.agentSendsFile(chatId, 'https://cdn.livechat-files.com/api/file/lc/att/123/receipt.pdf', 'receipt.pdf', { agentId: 'alice@example.com' });
    const delivered = await sim.waitForDelivered(bot, 'u-lc-file', 3);
    expect(delivered[2]).toBe('receipt.pdf: https://cdn.livechat-files.com/api/file/lc/att/123/receipt.pdf');
  });

  it('delivers each message once despite duplicated and reordered webhooks', async () => {
    const { chatId } = await handOff('u-lc-dup');
    lc.setWebhookFaults({ duplicate: true, reorder: true, reorderMaxHoldMs: 300 });
    for (const text of ['x1', 'x2', 'x3', 'x4']) lc.agentSays(chatId, text, 'alice@example.com');
    const delivered = await sim.waitForDelivered(bot, 'u-lc-dup', 6, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(sim.delivered(bot, 'u-lc-dup')).toHaveLength(6);
    expect([...delivered.slice(2)].sort()).toEqual(['x1', 'x2', 'x3', 'x4']);
  });

  it('refuses a webhook with a wrong secret: 401 and nothing processed', async () => {
    const { chatId } = await handOff('u-lc-secret');
    const res = await fetch(`${bridge.url}/webhooks/livechat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ webhook_id: 'w', secret_key: 'wrong', action: 'incoming_event', payload: { chat_id: chatId, event: { id: 'forged', type: 'message', text: 'forged', author_id: 'x' } } }),
    });
    expect(res.status).toBe(401);
    lc.setWebhookFaults({ wrongSecret: true });
    lc.agentSays(chatId, 'sent with a wrong secret', 'alice@example.com');
    await lc.waitForDeliveries((d) => d.attempts.length > 0 && d.attempts.every((a) => a.status === 401), 1, 5000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sim.delivered(bot, 'u-lc-secret')).toHaveLength(2);
  });

  it('refreshes expired tokens and follows a region redirect', async () => {
    const { chatId } = await handOff('u-lc-token');
    lc.expireTokens('all');
    await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-lc-token', message: 'after expiry' });
    expect((await waitForCustomerTexts(chatId, 2)).pop()).toBe('after expiry');
    lc.setRegion('fra');
    await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-lc-token', message: 'in frankfurt' });
    expect((await waitForCustomerTexts(chatId, 3)).pop()).toBe('in frankfurt');
    lc.setRegion('dal');
  });

  it('a burst of hand-offs while the agent token is expired refreshes it once, not once each', async () => {
    // LiveChat keeps 25 agent tokens per client and silently revokes the oldest: a refresh per
    // hand-off would revoke the tokens the other hand-offs are still using.
    lc.expireTokens('agent');
    const before = lc.state().agentTokensIssued as number;
    const users = Array.from({ length: 12 }, (_, i) => `u-lc-burst-${i}`);
    await Promise.all(users.map((user) => sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: user })));
    const refs = await waitFor('every burst chat open', async () => {
      const found = await Promise.all(users.map((user) => conversations.findActive(bot, user)));
      return found.every((c) => c?.providerRef) ? found.map((c) => c!.providerRef) : null;
    }, 15_000);
    expect(new Set(refs).size).toBe(users.length);
    expect((lc.state().agentTokensIssued as number) - before).toBe(1);
  });

  it('two instances that find the agent token refused at once refresh it once between them (Redis lock)', async () => {
    // Each instance shares one refresh among its own callers; across instances only the Redis lock
    // keeps the second from minting its own (and LiveChat from revoking the oldest of its 25).
    const second = await startBridge(livechatConfig(env, lc));
    try {
      const instances = [bridge, second].map((b) => b.app.get(LiveChatTokensService));
      const refused = await instances[0]!.agentToken();
      expect(await instances[1]!.agentToken()).toBe(refused); // one token, shared through Redis
      lc.expireTokens('agent');
      const before = lc.state().agentTokensIssued as number;
      const tokens = await Promise.all(instances.flatMap((tokens) => Array.from({ length: 4 }, () => tokens.agentToken(refused))));
      expect((lc.state().agentTokensIssued as number) - before).toBe(1);
      expect(new Set(tokens).size).toBe(1);
      expect(tokens[0]).not.toBe(refused);
    } finally {
      await second.close();
    }
  });

  it('a hand-off whose LiveChat chat cannot open yet is retried until it opens, telling the user once', async () => {
    // More failures than the client's own retries: the transfer event itself is retried later.
    lc.failNext('start_chat', 'internal', 5);
    const { chatId } = await handOff('u-lc-retry-open');
    expect(lc.chat(chatId)).toBeDefined();
    expect(lc.state().faults).toMatchObject({ failNext: [] });
    expect(sim.delivered(bot, 'u-lc-retry-open')).toEqual(['An agent will be with you shortly.', 'Alice Agent has joined the chat.']);
    expect(sim.calls({ fn: 'startAgentSession', userId: 'u-lc-retry-open' }).length).toBeGreaterThanOrEqual(1);
  });

  it('an agent message the platform refuses at first is retried and arrives in order; one it rejects is given up, the next still arrives', async () => {
    const user = 'u-lc-platform-fault';
    const { chatId, conversation } = await handOff(user);
    await nothingPendingForUser(conversation.id);
    const agentRows = async () =>
      (await bridge.app.get(TranscriptRepository).list(conversation.id)).filter((m) => m.direction === 'to_user' && m.author === 'agent');

    // Stored delivered for its immediate send. The client's own three tries are refused, so it goes
    // pending, p2 queues behind it, and the drain job delivers both in order.
    sim.failNext('sendUserMessage', 503, 3);
    for (const text of ['p1', 'p2']) lc.agentSays(chatId, text, 'alice@example.com');
    expect((await sim.waitForDelivered(bot, user, 4, 15_000)).slice(2)).toEqual(['p1', 'p2']);
    // The drain marks each delivered once the platform answered: attempts 1, its confirmed send (the
    // immediate send that failed stored no attempt).
    const states = await waitFor('p1 and p2 marked delivered', async () => {
      const rows = await agentRows();
      return rows.every((m) => m.deliveryState === 'delivered') ? rows.map((m) => [m.text, m.deliveryState, m.attempts]) : null;
    }, 10_000);
    expect(states).toEqual([['p1', 'delivered', 1], ['p2', 'delivered', 1]]);

    sim.failNext('sendUserMessage', 400, 1);
    lc.agentSays(chatId, 'q1', 'alice@example.com');
    await waitFor('q1 given up', async () => ((await agentRows()).find((m) => m.text === 'q1')?.deliveryState === 'failed' ? true : null), 10_000);
    lc.agentSays(chatId, 'q2', 'alice@example.com');
    await waitFor('q2 delivered', () => (sim.delivered(bot, user).includes('q2') ? true : null), 10_000);
    expect(sim.delivered(bot, user)).not.toContain('q1');
  });

  it('an agent message whose lane item runs again is not sent twice when the platform shows it, sent when it does not, and stays given up when it was', async () => {
    const user = 'u-lc-rerun';
    const { chatId, conversation } = await handOff(user);
    await nothingPendingForUser(conversation.id);
    const desk = bridge.app.get(DeskEventsService);
    const intake = bridge.app.get(MessageIntakeRepository);
    const own = { stateKey: 'entityId', authorId: null };
    const times = (text: string): number => sim.delivered(bot, user).filter((t) => t === text).length;

    // A process sent the message and stopped before its lane step: the item runs again, and the
    // platform's history shows the message, so it is not sent again (each call returns after its send).
    expect(await desk.agentMessageInOrder('livechat', chatId, { id: 'rerun-1', text: 'sent once' }, own)).toBe('relayed');
    expect(times('sent once')).toBe(1);
    expect(await desk.agentMessageInOrder('livechat', chatId, { id: 'rerun-1', text: 'sent once' }, own)).toBe('relayed');
    expect(times('sent once')).toBe(1);

    // A process stored the message and stopped before sending it: the re-run sends it.
    await intake.takeDeskMessage('livechat', chatId, { externalId: 'livechat:rerun-3', text: 'stored, not sent', authorName: null, sentAt: null }, own);
    expect(times('stored, not sent')).toBe(0);
    expect(await desk.agentMessageInOrder('livechat', chatId, { id: 'rerun-3', text: 'stored, not sent' }, own)).toBe('relayed');
    expect(times('stored, not sent')).toBe(1);

    // A catch-up sent it and confirmed the send: a late repeat of its webhook sends nothing, and
    // does not even ask the platform's history (which fails here: unanswered, it would send again).
    expect(await desk.missedAgentMessages('livechat', conversation.id, chatId, [{ id: 'rerun-4', text: 'caught up', authorId: null }], 'entityId')).toBe(1);
    expect(times('caught up')).toBe(1);
    sim.failNext('getMessages', 503, 1);
    expect(await desk.agentMessageInOrder('livechat', chatId, { id: 'rerun-4', text: 'caught up' }, own)).toBe('duplicate');
    expect(times('caught up')).toBe(1);
    const payload = (await conversations.findById(conversation.id))!.latestPayload;
    await expect(bridge.app.get(BotkitClient).getMessages(payload, { limit: 1 }, { attempts: 1 })).rejects.toThrow();

    sim.failNext('sendUserMessage', 400, 1);
    expect(await desk.agentMessageInOrder('livechat', chatId, { id: 'rerun-2', text: 'given up' }, own)).toBe('relayed');
    expect(await desk.agentMessageInOrder('livechat', chatId, { id: 'rerun-2', text: 'given up' }, own)).toBe('duplicate');
    expect(sim.delivered(bot, user)).not.toContain('given up');
  });

  it('a user message whose lane item runs again reaches LiveChat once: the chat events show it arrived', async () => {
    const user = 'u-lc-rerun-user';
    const { chatId, conversation } = await handOff(user);
    await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: user, message: 'only once', requestId: 'rerun-user-1' });
    await waitFor('the message at LiveChat', () => (customerTexts(chatId).includes('only once') ? true : null), 10_000);
    // The process stopped after the send and before its lane step: the same event is routed again.
    const current = (await conversations.findById(conversation.id))!;
    await bridge.app.get(ConversationRouter).route({
      botId: bot, componentId: 'default', eventName: 'on_user_message', requestId: 'rerun-user-1', visitor: current.visitorKey,
      receivedAt: Date.now(), payload: { ...current.latestPayload, requestId: 'rerun-user-1', message: 'only once' },
    });
    // route() returns after its send (or its decision not to send).
    expect(customerTexts(chatId).filter((t) => t === 'only once')).toHaveLength(1);
  });

  it('rides out rate limiting and an outage, then delivers everything in order', async () => {
    const { chatId } = await handOff('u-lc-down');
    lc.setRateLimit(2, 1500);
    for (const text of ['r1', 'r2', 'r3', 'r4']) await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-lc-down', message: text });
    expect((await waitForCustomerTexts(chatId, 5, 20_000)).slice(1)).toEqual(['r1', 'r2', 'r3', 'r4']);
    lc.resetFaults();
    await lc.setDown(2500, '503');
    for (const text of ['d1', 'd2', 'd3']) await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-lc-down', message: text });
    expect((await waitForCustomerTexts(chatId, 8, 25_000)).slice(5)).toEqual(['d1', 'd2', 'd3']);
  });

  describe('every way a chat ends, clearAgentSession exactly once each', () => {
    it('the agent closes it', async () => {
      const { chatId, conversation } = await handOff('u-lc-agent');
      lc.agentSays(chatId, 'Bye now', 'alice@example.com');
      await sim.waitForDelivered(bot, 'u-lc-agent', 3);
      lc.agentCloses(chatId, 'alice@example.com');
      expect(await closedWith(conversation.id)).toBe('agent_closed');
      await expectClearedOnce('u-lc-agent');
      expect(sim.delivered(bot, 'u-lc-agent').pop()).toBe('The agent has ended the chat. You are back with the assistant.');
    });

    it('the deactivation overtakes the last message: nothing is lost', async () => {
      const { chatId, conversation } = await handOff('u-lc-race');
      lc.setWebhookFaults({ reorder: true, reorderMaxHoldMs: 150 });
      lc.agentSays(chatId, 'the very last words', 'alice@example.com');
      lc.agentCloses(chatId, 'alice@example.com');
      expect(await closedWith(conversation.id)).toBe('agent_closed');
      await expectClearedOnce('u-lc-race');
      expect(sim.delivered(bot, 'u-lc-race')).toContain('the very last words');
    });

    it('the router archives it for inactivity', async () => {
      const { chatId, conversation } = await handOff('u-lc-idle');
      lc.archiveInactive(chatId);
      expect(await closedWith(conversation.id)).toBe('inactivity');
      await expectClearedOnce('u-lc-idle');
    });

    it('nobody is online: the user is told and handed back to the bot', async () => {
      lc.setAgentsOnline(false);
      try {
        await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-lc-offline' });
        await expectClearedOnce('u-lc-offline');
        expect(sim.delivered(bot, 'u-lc-offline').pop()).toBe('No agent is available right now. You are back with the assistant.');
      } finally {
        lc.setAgentsOnline(true);
      }
    });

    it('the queue gives up (archived for no available agents)', async () => {
      const { chatId, conversation } = await handOff('u-lc-queue', false);
      lc.archiveOffline(chatId);
      expect(await closedWith(conversation.id)).toBe('queue_timeout');
      await expectClearedOnce('u-lc-queue');
    });

    it('the user ends it: the LiveChat chat is deactivated and our own deactivation webhook is ignored', async () => {
      const { chatId, conversation } = await handOff('u-lc-user');
      await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-lc-user', message: 'clearagent' });
      expect(await closedWith(conversation.id)).toBe('user_ended');
      await lc.waitForChatClosed(chatId, 10_000);
      await expectClearedOnce('u-lc-user');
      const transitions = await conversations.transitions(conversation.id);
      expect(transitions.filter((t) => t.to === 'closed')).toHaveLength(1);
    });
  });

  it('catches up with list_threads after a restart: messages sent while it was down arrive once, in order', async () => {
    const { chatId, conversation } = await handOff('u-lc-restart');
    await bridge.close();
    // LiveChat gives up on the webhooks at once, so only the catch-up can bring these.
    lc.setWebhookFaults({ failFirstAttempts: 0 });
    for (const text of ['while', 'you', 'were', 'away']) lc.agentSays(chatId, text, 'alice@example.com');
    await new Promise((resolve) => setTimeout(resolve, 2000)); // webhook retries (200/400/800 ms) exhausted
    bridge = await startBridge(livechatConfig(env, lc), {}, port);
    conversations = bridge.app.get(ConversationRepository);
    const delivered = await sim.waitForDelivered(bot, 'u-lc-restart', 6, 15_000);
    expect(delivered.slice(2)).toEqual(['while', 'you', 'were', 'away']);
    lc.agentSays(chatId, 'and now live again', 'alice@example.com');
    expect((await sim.waitForDelivered(bot, 'u-lc-restart', 7, 10_000)).pop()).toBe('and now live again');
    expect((await conversations.findById(conversation.id))!.state).toBe('assigned');
  });

  it('a restart while the agent writes: missed, retried and newer messages reach the user once each, in order', async () => {
    const user = 'u-lc-order';
    const { chatId, conversation } = await handOff(user);
    lc.agentSays(chatId, 'before', 'alice@example.com');
    await sim.waitForDelivered(bot, user, 3, 10_000);
    // LiveChat retries a failed webhook for a while: here for longer than the restart takes, so
    // retries of the missed messages reach the new process too (before and after its catch-up).
    const webhookSettings = lc.config.webhooks;
    const retryDelays = webhookSettings.retryDelaysMs;
    webhookSettings.retryDelaysMs = [300, 600, 1200, 2400, 4800, 9600];
    try {
      await bridge.close();
      const missed = ['m1', 'm2', 'm3', 'm4'];
      for (const text of missed) lc.agentSays(chatId, text, 'alice@example.com');
      const ofChat = (d: { action: string; body: unknown }): boolean => d.action === 'incoming_event' && JSON.stringify(d.body).includes(chatId);
      await lc.waitForDeliveries((d) => ofChat(d) && d.attempts.some((a) => a.status === undefined), missed.length, 10_000);
      // LiveChat answers the catch-up slowly: the newer messages' webhooks arrive while it reads.
      lc.setLatency(1500);
      bridge = await startBridge(livechatConfig(env, lc), {}, port);
      conversations = bridge.app.get(ConversationRepository);
      const newer = ['n1', 'n2', 'n3'];
      for (const text of newer) lc.agentSays(chatId, text, 'alice@example.com');
      const expected = ['before', ...missed, ...newer];
      await sim.waitForDelivered(bot, user, 2 + expected.length, 30_000);

      // Nothing more can come: every webhook of the chat was answered, the chat's lane is empty and
      // nothing waits for the user.
      await waitFor('webhooks answered', () => (lc.webhookDeliveries().some((d) => ofChat(d) && d.state === 'pending') ? null : true), 30_000);
      const redis = bridge.app.get<Redis>(REDIS);
      const lanes = bridge.app.get(LaneInboxService);
      await waitFor('the lane drained', async () => ((await redis.llen(lanes.inboxKey(lanes.laneOf('livechat', chatId)))) === 0 ? true : null), 15_000);
      await nothingPendingForUser(conversation.id);
      expect(sim.delivered(bot, user).slice(2)).toEqual(expected);
    } finally {
      webhookSettings.retryDelaysMs = retryDelays;
    }
  });

  it('ignores its own messages when a webhook registered without the source filter sends them back', async () => {
    // What a registration made by hand (or by an older version) does: every incoming_event, ours included.
    lc.registerWebhook({ url: `${bridge.url}/webhooks/livechat`, action: 'incoming_event', secretKey: SECRET });
    const { chatId, conversation } = await handOff('u-lc-echo');
    for (const text of ['mine 1', 'mine 2']) await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-lc-echo', message: text });
    lc.agentSays(chatId, 'agent reply', 'alice@example.com');
    await lc.waitForDeliveries((d) => d.action === 'incoming_event' && d.state === 'delivered' && JSON.stringify(d.body).includes('mine 2'), 1, 10_000);
    expect((await sim.waitForDelivered(bot, 'u-lc-echo', 3)).slice(2)).toEqual(['agent reply']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sim.delivered(bot, 'u-lc-echo')).toEqual(['An agent will be with you shortly.', 'Alice Agent has joined the chat.', 'agent reply']);
    const toUser = (await bridge.app.get(TranscriptRepository).list(conversation.id)).filter((m) => m.direction === 'to_user').map((m) => m.text);
    expect(toUser).not.toContain('mine 1');
  });
});
