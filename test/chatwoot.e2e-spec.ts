import { createHmac } from 'node:crypto';
import type Redis from 'ioredis';
import { ConversationRepository, ConversationRouter, TranscriptRepository } from '@agent-bridge/handoff';
import { type Conversation } from '@agent-bridge/desk-port';
import { setupChatwootWebhook } from '@agent-bridge/providers';
import { LaneInboxService } from '@agent-bridge/events';
import { REDIS } from '@agent-bridge/persistence';
import { createTestEnvironment, freePort, testConfig, TEST_BOT, waitFor, type TestEnvironment, type TestConfigOverrides } from '@agent-bridge/testing';
import { ChatwootSim, SANDBOX_DEFAULTS } from '../apps/chatwoot-sim/src';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';

const bot = TEST_BOT.botId;
const PATH_SECRET = 'chatwoot-path-secret-for-tests';
const SIGNING_SECRET = 'chatwoot-signing-secret-for-tests';
const ANNA = 2;
const BRUNO = 3;
const WAITING = 'An agent will be with you shortly.';

function chatwootConfig(env: TestEnvironment, cw: ChatwootSim, extra: TestConfigOverrides = {}) {
  return testConfig(env, {
    ...extra,
    handoff: { provider: 'chatwoot', ...extra.handoff },
    chatwoot: {
      url: cw.url,
      accountId: SANDBOX_DEFAULTS.accountId,
      inboxId: SANDBOX_DEFAULTS.inboxId,
      apiToken: SANDBOX_DEFAULTS.apiToken,
      webhookSecret: PATH_SECRET,
      signingSecret: SIGNING_SECRET,
      ...extra.chatwoot,
    },
  });
}

/** Platform sandbox -> bridge -> Chatwoot sandbox, and back through Chatwoot's signed account webhooks. */
describe('Chatwoot desk', () => {
  let env: TestEnvironment;
  let cw: ChatwootSim;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let conversations: ConversationRepository;
  let port: number;

  const setup = (bridgeUrl: string, webhookSecret = PATH_SECRET) =>
    setupChatwootWebhook({
      url: cw.url,
      accountId: SANDBOX_DEFAULTS.accountId,
      inboxId: SANDBOX_DEFAULTS.inboxId,
      token: SANDBOX_DEFAULTS.apiToken,
      routeUrl: `${bridgeUrl}/webhooks/chatwoot`,
      webhookSecret,
    });

  beforeAll(async () => {
    env = await createTestEnvironment('chatwoot');
    port = await freePort();
    cw = new ChatwootSim({ port: 0, webhookSecret: SIGNING_SECRET, log: () => undefined });
    await cw.start();
    bridge = await startBridge(chatwootConfig(env, cw), {}, port);
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    conversations = bridge.app.get(ConversationRepository);
    // The command users run once (npm run chatwoot:setup), against the Application API.
    const result = await setup(bridge.url);
    expect(result).toMatchObject({ outcome: 'created', signingSecret: SIGNING_SECRET, replaced: [] });
    expect(cw.webhooks()).toEqual([expect.objectContaining({ url: `${bridge.url}/webhooks/chatwoot/${PATH_SECRET}`, subscriptions: ['message_created', 'conversation_updated', 'conversation_status_changed'] })]);
  });

  afterAll(async () => {
    await sim?.stop();
    await bridge?.close();
    await cw?.stop();
    await env?.destroy();
  });

  afterEach(() => cw.resetFaults());

  async function handOff(user: string, join = true): Promise<{ ref: number; conversation: Conversation }> {
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: user, body: { context: { session: { UserContext: { _id: user, firstName: 'Dana', lastName: user } } } } });
    const conversation = await waitFor('a Chatwoot conversation', async () => {
      const c = await conversations.findActive(bot, user);
      return c?.providerRef ? c : null;
    }, 10_000);
    const ref = Number(conversation.providerRef);
    if (join) {
      cw.assign(ref, ANNA);
      await sim.waitForDelivered(bot, user, 2, 10_000);
    }
    return { ref, conversation };
  }

  /** What the user wrote in the conversation, the opening first. */
  const incoming = (ref: number): string[] => cw.conversation(ref)!.messages.filter((m) => m.messageType === 'incoming').map((m) => m.content ?? '');

  async function waitForIncoming(ref: number, count: number, timeoutMs = 10_000): Promise<string[]> {
    return waitFor(`${count} incoming messages in Chatwoot`, () => {
      const texts = incoming(ref);
      return texts.length >= count ? texts : null;
    }, timeoutMs);
  }

  /**
   * Until nothing more can reach the user from this conversation: every webhook about it settled,
   * its lane drained and nothing pending for the user.
   */
  async function quiet(ref: number, conversationId: string): Promise<void> {
    const about = (body: Record<string, unknown>): boolean => body.id === ref || (body.conversation as { id?: unknown } | undefined)?.id === ref;
    await waitFor('webhooks settled', () => (cw.deliveries().some((d) => d.state === 'pending' && about(d.body)) ? null : true), 10_000);
    const redis = bridge.app.get<Redis>(REDIS);
    const lanes = bridge.app.get(LaneInboxService);
    await waitFor('the lane drained', async () => ((await redis.llen(lanes.inboxKey(lanes.laneOf('chatwoot', String(ref))))) === 0 ? true : null), 10_000);
    await waitFor('nothing pending for the user', async () => {
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

  async function expectClearedOnce(user: string, conversationId: string): Promise<void> {
    await sim.waitForCalls({ fn: 'clearAgentSession', userId: user }, 1, 10_000);
    const transitions = await conversations.transitions(conversationId);
    expect(transitions.filter((t) => t.to === 'closed')).toHaveLength(1);
    expect(sim.calls({ fn: 'clearAgentSession', userId: user })).toHaveLength(1);
  }

  it('opens a conversation in the API inbox for the user\'s contact, with the custom attributes and an opening naming the user and linking the history; the assignment is the agent joining', async () => {
    const user = 'u-cw-open';
    const { ref } = await handOff(user);
    const snapshot = cw.conversation(ref)!;
    expect(snapshot.inboxId).toBe(SANDBOX_DEFAULTS.inboxId);
    expect(snapshot.contact).toMatchObject({ name: `Dana ${user}`, identifier: `agent-bridge:${bot}:${user}` });
    expect(snapshot.customAttributes).toMatchObject({ bot_id: bot, handoff_reason: 'agent_transfer', history_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:0\/history\/[\w-]+\.[\w-]+$/) });
    const [opening] = incoming(ref);
    expect(opening).toContain(`Dana ${user} (${user}) was handed over: the bot transferred the chat.`);
    expect(opening).toMatch(/History with the bot: http:\/\/127\.0\.0\.1:0\/history\/[\w-]+\.[\w-]+/);
    expect(sim.delivered(bot, user)).toEqual([WAITING, 'Anna Agent has joined the chat.']);
    expect((await conversations.findActive(bot, user))).toMatchObject({ state: 'assigned', agentId: String(ANNA), agentName: 'Anna Agent' });
  });

  it('keeps one contact for the user across hand-offs, a new conversation each time', async () => {
    const user = 'u-cw-again';
    const first = await handOff(user, false);
    await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: user, message: 'clearagent' });
    await closedWith(first.conversation.id);
    const second = await handOff(user, false);
    expect(second.ref).not.toBe(first.ref);
    expect(cw.conversation(second.ref)!.contact.id).toBe(cw.conversation(first.ref)!.contact.id);
    expect(cw.conversation(second.ref)!.sourceId).toBe(cw.conversation(first.ref)!.sourceId);
  });

  it('relays both ways in order; private notes stay in Chatwoot and the user\'s own messages are not echoed back', async () => {
    const user = 'u-cw-relay';
    const { ref, conversation } = await handOff(user);
    for (const text of ['one', 'two', 'three']) await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: user, message: text });
    cw.agentReply(ref, 'A');
    cw.agentNote(ref, 'a note for colleagues only');
    cw.agentReply(ref, 'B');
    cw.agentReply(ref, 'C');
    expect((await waitForIncoming(ref, 4)).slice(1)).toEqual(['one', 'two', 'three']);
    expect((await sim.waitForDelivered(bot, user, 5, 10_000)).slice(2)).toEqual(['A', 'B', 'C']);
    await quiet(ref, conversation.id);
    expect(sim.delivered(bot, user)).toEqual([WAITING, 'Anna Agent has joined the chat.', 'A', 'B', 'C']);
    const toUser = (await bridge.app.get(TranscriptRepository).list(conversation.id)).filter((m) => m.direction === 'to_user').map((m) => m.text);
    expect(toUser).not.toContain('one');
    expect(toUser).not.toContain('a note for colleagues only');
  });

  it('the first public reply to a waiting conversation is the agent joining', async () => {
    const user = 'u-cw-first-reply';
    const { ref } = await handOff(user, false);
    cw.agentReply(ref, 'Hi, Bruno here', BRUNO);
    // The join notice takes the reply's own time, so it is delivered first however the two race.
    expect(await sim.waitForDelivered(bot, user, 3, 10_000)).toEqual([WAITING, 'Bruno Backup has joined the chat.', 'Hi, Bruno here']);
    expect(await conversations.findActive(bot, user)).toMatchObject({ state: 'assigned', agentId: String(BRUNO) });
  });

  it('a new assignee takes the session over; unassigning puts the user back in the queue', async () => {
    const user = 'u-cw-transfer';
    const { ref } = await handOff(user);
    cw.assign(ref, BRUNO);
    expect((await sim.waitForDelivered(bot, user, 3, 10_000))[2]).toBe('Bruno Backup has joined the chat.');
    expect(await conversations.findActive(bot, user)).toMatchObject({ state: 'assigned', agentId: String(BRUNO) });
    cw.assign(ref, null, BRUNO);
    expect((await sim.waitForDelivered(bot, user, 4, 10_000))[3]).toBe(WAITING);
    expect(await conversations.findActive(bot, user)).toMatchObject({ state: 'queued' });
  });

  it('delivers each reply once despite duplicated and reordered webhooks', async () => {
    const user = 'u-cw-dup';
    const { ref, conversation } = await handOff(user);
    cw.setWebhookFaults({ duplicate: 4, hold: 1, event: 'message_created' });
    for (const text of ['x1', 'x2', 'x3', 'x4']) cw.agentReply(ref, text);
    const delivered = await sim.waitForDelivered(bot, user, 6, 10_000);
    await quiet(ref, conversation.id);
    expect(sim.delivered(bot, user)).toHaveLength(6);
    expect([...delivered.slice(2)].sort()).toEqual(['x1', 'x2', 'x3', 'x4']);
    const ofChat = cw.deliveries().filter((d) => d.event === 'message_created' && (d.body.conversation as { id?: unknown }).id === ref);
    expect(ofChat.filter((d) => d.duplicate)).toHaveLength(4);
    expect(ofChat.filter((d) => d.held)).toHaveLength(1);
  });

  it('refuses a webhook with a wrong path secret, no signature, a wrong or stale one: 401 and nothing relayed', async () => {
    const user = 'u-cw-forged';
    const { ref, conversation } = await handOff(user);
    const forged = (id: number, content: string) =>
      JSON.stringify({
        event: 'message_created', id, content, message_type: 'outgoing', private: false, created_at: new Date().toISOString(),
        sender: { id: ANNA, name: 'Anna Agent', type: 'user' }, inbox: { id: SANDBOX_DEFAULTS.inboxId }, conversation: { id: ref, inbox_id: SANDBOX_DEFAULTS.inboxId },
      });
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${bridge.url}/webhooks/chatwoot/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const signed = (body: string, secret = SIGNING_SECRET, at = Math.floor(Date.now() / 1000)) => ({
      'x-chatwoot-timestamp': String(at),
      'x-chatwoot-signature': `sha256=${createHmac('sha256', secret).update(`${at}.${body}`).digest('hex')}`,
    });

    const body = forged(990_001, 'forged');
    expect((await post('not-the-path-secret-at-all', body, signed(body))).status).toBe(401);
    expect((await post(PATH_SECRET, body)).status).toBe(401);
    expect((await post(PATH_SECRET, body, signed(body, 'another-signing-secret'))).status).toBe(401);
    expect((await post(PATH_SECRET, body, signed(body, SIGNING_SECRET, Math.floor(Date.now() / 1000) - 600))).status).toBe(401);
    // The same check passes what Chatwoot really signed.
    const genuine = forged(990_002, 'signed <properly> & sent');
    expect((await post(PATH_SECRET, genuine, signed(genuine))).status).toBe(200);
    expect((await sim.waitForDelivered(bot, user, 3, 10_000))[2]).toBe('signed <properly> & sent');
    await quiet(ref, conversation.id);
    expect(sim.delivered(bot, user)).not.toContain('forged');
  });

  describe('every way a conversation ends, clearAgentSession exactly once each', () => {
    it('the agent resolves it: the last reply arrives first, even when its webhook comes after the resolution', async () => {
      const user = 'u-cw-resolve';
      const { ref, conversation } = await handOff(user);
      cw.setWebhookFaults({ hold: 1, event: 'message_created' });
      cw.agentReply(ref, 'the very last words');
      cw.resolve(ref);
      expect(await closedWith(conversation.id)).toBe('agent_closed');
      await expectClearedOnce(user, conversation.id);
      await quiet(ref, conversation.id);
      expect(sim.delivered(bot, user)).toEqual([WAITING, 'Anna Agent has joined the chat.', 'the very last words', 'The agent has ended the chat. You are back with the assistant.']);
      // The reply's webhook was held back past the resolution's, and then dropped as seen.
      expect(cw.deliveries().filter((d) => d.held && (d.body.conversation as { id?: unknown }).id === ref).map((d) => d.body.content)).toEqual(['the very last words']);
    });

    it('reopened after the session ended: the agent is told once that the user is back with the bot, and replies no longer reach the user', async () => {
      const user = 'u-cw-reopen';
      const { ref, conversation } = await handOff(user);
      cw.resolve(ref);
      await closedWith(conversation.id);
      await sim.waitForDelivered(bot, user, 3, 10_000);
      cw.reopen(ref);
      const note = await cw.waitForMessage(ref, (m) => m.private && (m.content ?? '').includes('back with the bot'), 10_000);
      expect(note.content).toBe('agent-bridge: this hand-off has ended and the user is back with the bot: messages written here no longer reach them.');
      cw.agentReply(ref, 'are you still there?');
      await quiet(ref, conversation.id);
      expect(sim.delivered(bot, user)).toHaveLength(3);
      expect(cw.conversation(ref)!.messages.filter((m) => m.private)).toHaveLength(1);
      await expectClearedOnce(user, conversation.id);
    });

    it('the user ends it: the agent gets a note, the conversation is resolved, and its resolution webhook changes nothing', async () => {
      const user = 'u-cw-user-ends';
      const { ref, conversation } = await handOff(user);
      await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: user, message: 'clearagent' });
      expect(await closedWith(conversation.id)).toBe('user_ended');
      await cw.waitFor(() => cw.conversation(ref)!.status === 'resolved', 10_000, 'the conversation resolved');
      expect(cw.conversation(ref)!.messages.filter((m) => m.private).map((m) => m.content)).toEqual(['agent-bridge: The user ended the chat.']);
      await cw.waitForDeliveries((d) => d.event === 'conversation_status_changed' && d.body.id === ref, 1, 10_000);
      await quiet(ref, conversation.id);
      expect(sim.delivered(bot, user).pop()).toBe('You have left the chat with the agent. You are back with the assistant.');
      await expectClearedOnce(user, conversation.id);
    });
  });

  it('catches up after a restart: an assignment and replies made while it was down arrive once, in order', async () => {
    const user = 'u-cw-restart';
    const { ref, conversation } = await handOff(user, false);
    await bridge.close();
    // Chatwoot sends account webhooks once: these fail while the bridge is down, and only the catch-up brings them.
    cw.assign(ref, ANNA);
    for (const text of ['while', 'you', 'were', 'away']) cw.agentReply(ref, text);
    await cw.waitForDeliveries((d) => d.event === 'message_created' && (d.body.conversation as { id?: unknown }).id === ref && d.state === 'failed', 4, 10_000);
    bridge = await startBridge(chatwootConfig(env, cw), {}, port);
    conversations = bridge.app.get(ConversationRepository);
    const delivered = await sim.waitForDelivered(bot, user, 6, 15_000);
    expect(delivered).toEqual([WAITING, 'Anna Agent has joined the chat.', 'while', 'you', 'were', 'away']);
    cw.agentReply(ref, 'and now live again');
    expect((await sim.waitForDelivered(bot, user, 7, 10_000)).pop()).toBe('and now live again');
    await quiet(ref, conversation.id);
    expect(sim.delivered(bot, user)).toHaveLength(7);
    expect((await conversations.findById(conversation.id))!.state).toBe('assigned');
  });

  it('catches up after a restart with a conversation resolved meanwhile: the last reply, then the end, once', async () => {
    const user = 'u-cw-restart-resolved';
    const { ref, conversation } = await handOff(user);
    await bridge.close();
    cw.agentReply(ref, 'goodbye from the agent');
    cw.resolve(ref);
    await cw.waitForDeliveries((d) => d.event === 'conversation_status_changed' && d.body.id === ref && d.state === 'failed', 1, 10_000);
    bridge = await startBridge(chatwootConfig(env, cw), {}, port);
    conversations = bridge.app.get(ConversationRepository);
    expect(await closedWith(conversation.id)).toBe('agent_closed');
    await expectClearedOnce(user, conversation.id);
    expect(await sim.waitForDelivered(bot, user, 4, 10_000)).toEqual([WAITING, 'Anna Agent has joined the chat.', 'goodbye from the agent', 'The agent has ended the chat. You are back with the assistant.']);
  });

  it('rides out rate limiting (honouring Retry-After) and an outage, then delivers everything in order', async () => {
    const user = 'u-cw-down';
    const { ref } = await handOff(user);
    cw.failNext({ kind: 'rate-limit', times: 3, retryAfterSeconds: 1, route: 'messages.create' });
    const started = Date.now();
    for (const text of ['r1', 'r2', 'r3', 'r4']) await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: user, message: text });
    expect((await waitForIncoming(ref, 5, 20_000)).slice(1)).toEqual(['r1', 'r2', 'r3', 'r4']);
    // Three answers asked for a second each before r1 could go.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
    cw.failNext({ kind: 'error', status: 503, times: 12, route: 'messages.create' });
    for (const text of ['d1', 'd2', 'd3']) await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: user, message: text });
    expect((await waitForIncoming(ref, 8, 25_000)).slice(5)).toEqual(['d1', 'd2', 'd3']);
  });

  it('a user message whose lane item runs again reaches Chatwoot once: its source_id shows it arrived', async () => {
    const user = 'u-cw-rerun-user';
    const { ref, conversation } = await handOff(user);
    await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: user, message: 'only once', requestId: 'cw-rerun-user-1' });
    await waitFor('the message in Chatwoot', () => (incoming(ref).includes('only once') ? true : null), 10_000);
    // The process stopped after the send and before its lane step: the same event is routed again.
    const current = (await conversations.findById(conversation.id))!;
    await bridge.app.get(ConversationRouter).route({
      botId: bot, componentId: 'default', eventName: 'on_user_message', requestId: 'cw-rerun-user-1', visitor: current.visitorKey,
      receivedAt: Date.now(), payload: { ...current.latestPayload, requestId: 'cw-rerun-user-1', message: 'only once' },
    });
    // route() returns after its send (or its decision not to send).
    expect(incoming(ref).filter((t) => t === 'only once')).toHaveLength(1);
  });

  it('typing and reading that Chatwoot refuses (the sandbox has no Client API) hold nothing back', async () => {
    const user = 'u-cw-typing';
    const { ref } = await handOff(user);
    for (const type of ['TYPING_STARTED', 'TYPING_STOPPED', 'MESSAGE_READ']) {
      await sim.sendEvent({ botId: bot, event: 'on_client_event', userId: user, body: { preDefinedEvent: { type } } });
    }
    await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: user, message: 'after typing' });
    expect((await waitForIncoming(ref, 2)).pop()).toBe('after typing');
  });

  it('setup is idempotent, and a new path secret replaces our older webhook', async () => {
    const [registered] = cw.webhooks();
    expect(await setup(bridge.url)).toEqual({ outcome: 'kept', webhookId: String(registered!.id), signingSecret: SIGNING_SECRET, replaced: [] });
    const moved = await setup(bridge.url, 'a-new-path-secret-0123456789');
    expect(moved).toMatchObject({ outcome: 'created', replaced: [String(registered!.id)] });
    expect(cw.webhooks().map((w) => w.url)).toEqual([`${bridge.url}/webhooks/chatwoot/a-new-path-secret-0123456789`]);
    expect(await setup(bridge.url)).toMatchObject({ outcome: 'created', replaced: [moved.webhookId] });
    expect(cw.webhooks().map((w) => w.url)).toEqual([`${bridge.url}/webhooks/chatwoot/${PATH_SECRET}`]);
  });
});
