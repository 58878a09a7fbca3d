import { createHash } from 'node:crypto';
import { BotVariablesService, ConversationRepository, HandoffEventsService, TranscriptRepository, type HandoffTransition } from '@agent-bridge/handoff';
import { type Conversation } from '@agent-bridge/desk-port';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment, type TestConfigOverrides } from '@agent-bridge/testing';
import { DataSource } from 'typeorm';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { LoopbackDesk } from './loopback-desk.client';

const bot = TEST_BOT.botId;

// Generous: this file must pass while both cores are busy; every wait below is for a condition.
jest.setTimeout(90_000);

interface Rig {
  bridge: RunningBridge;
  sim: PlatformSim;
  desk: LoopbackDesk;
  conversations: ConversationRepository;
  transcript: TranscriptRepository;
  close(): Promise<void>;
}

async function rig(env: TestEnvironment, overrides: TestConfigOverrides = {}): Promise<Rig> {
  const bridge = await startBridge(testConfig(env, overrides));
  const sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
  return {
    bridge,
    sim,
    desk: new LoopbackDesk(bridge.url),
    conversations: bridge.app.get(ConversationRepository),
    transcript: bridge.app.get(TranscriptRepository),
    async close() {
      await sim.stop();
      await bridge.close();
    },
  };
}

async function activeSession(r: Rig, user: string): Promise<Conversation> {
  return waitFor(`an active session for ${user}`, () => r.conversations.findActive(bot, user));
}

async function closedSession(r: Rig, id: string): Promise<Conversation> {
  return waitFor(`session ${id} closed`, async () => {
    const c = await r.conversations.findById(id);
    return c?.state === 'closed' ? c : null;
  }, 30_000);
}

/** Hands `user` over through the Agent Transfer node and has the agent join. */
async function handOff(r: Rig, user: string, join = true): Promise<{ conversation: Conversation; ref: string }> {
  await r.sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: user, body: { context: { session: { UserContext: { _id: user, firstName: 'Dana', lastName: 'Doe' } } } } });
  const chat = await r.desk.chatFor(user, 30_000);
  if (join) {
    expect(await r.desk.join(chat.ref)).toBe(200);
    await r.sim.waitForDelivered(bot, user, 2, 30_000); // "An agent will be with you shortly." + "Alice has joined the chat."
  }
  return { conversation: await activeSession(r, user), ref: chat.ref };
}

/** Waits until the platform's agent session for `user` was cleared, then a little longer to catch a second clear. */
async function expectClearedOnce(r: Rig, user: string): Promise<void> {
  await r.sim.waitForCalls({ fn: 'clearAgentSession', userId: user }, 1, 30_000);
  await new Promise((resolve) => setTimeout(resolve, 700));
  expect(r.sim.calls({ fn: 'clearAgentSession', userId: user })).toHaveLength(1);
  expect(r.sim.inAgentSession(bot, user)).toBe(false);
}

describe('hand-off engine (bridge + platform sandbox + loopback desk, real Postgres/Redis/BullMQ)', () => {
  let env: TestEnvironment;
  let r: Rig;

  beforeAll(async () => {
    env = await createTestEnvironment('handoff');
    r = await rig(env, { handoff: { keywords: ['human', 'talk to someone'] } });
  });
  afterAll(async () => {
    await r?.close();
    await env?.destroy();
  });

  describe('entering agent mode', () => {
    it('hands over on an Agent Transfer node: user told, startAgentSession, desk chat with name, history link and recent messages', async () => {
      await r.sim.userSays(bot, 'u-node', 'hello');
      await r.sim.waitForDelivered(bot, 'u-node', 1);
      await r.sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-node' });
      const chat = await r.desk.chatFor('u-node');
      expect(chat.userName).toBe('Sandbox User');
      expect(chat.historyUrl).toMatch(/^http:\/\/127\.0\.0\.1:0\/history\/[\w-]+\.[\w-]+$/);
      expect(chat.recentMessages.map((m) => m.text)).toEqual(expect.arrayContaining(['hello']));
      expect(chat.trigger).toBe('agent_transfer');
      await r.sim.waitForCalls({ fn: 'startAgentSession', userId: 'u-node' }, 1);
      const delivered = await r.sim.waitForDelivered(bot, 'u-node', 2);
      expect(delivered[1]).toBe('An agent will be with you shortly.');
      const session = await activeSession(r, 'u-node');
      expect(session).toMatchObject({ state: 'queued', trigger: 'agent_transfer', provider: 'loopback' });
      expect(await r.conversations.transitions(session.id)).toEqual([expect.objectContaining({ from: 'bot', to: 'queued', reason: 'agent_transfer' })]);
      expect(await r.desk.join(chat.ref)).toBe(200);
      await waitFor('assigned', async () => (await r.conversations.findById(session.id))?.state === 'assigned');
      expect((await r.sim.waitForDelivered(bot, 'u-node', 3))[2]).toBe('Alice has joined the chat.');
    });

    it('hands over when the bot answers an angry user, and holds that bot answer back', async () => {
      await r.sim.userSays(bot, 'u-angry', 'this is the worst service, I hate it!!!');
      const chat = await r.desk.chatFor('u-angry');
      expect(chat.trigger).toBe('tone');
      await r.sim.waitForCalls({ fn: 'startAgentSession', userId: 'u-angry' }, 1);
      expect(await r.sim.waitForDelivered(bot, 'u-angry', 1)).toEqual(['An agent will be with you shortly.']);
    });

    it('does not hand over below the tone threshold', async () => {
      await r.sim.userSays(bot, 'u-calm', 'a bit annoyed', { tone: { name: 'angry', level: 1 } });
      expect(await r.sim.waitForDelivered(bot, 'u-calm', 1)).toEqual(['You said: a bit annoyed']);
      expect(await r.conversations.findActive(bot, 'u-calm')).toBeNull();
      expect(r.sim.calls({ fn: 'startAgentSession', userId: 'u-calm' })).toHaveLength(0);
    });

    it('hands over on a configured keyword without passing the message to the bot', async () => {
      const { requestId } = await r.sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-word', message: 'I want to talk to someone please' });
      const chat = await r.desk.chatFor('u-word');
      expect(chat.trigger).toBe('keyword');
      expect(r.sim.calls({ fn: 'sendBotMessage', requestId })).toHaveLength(0);
    });

    it('treats a second transfer for the same user as the same session', async () => {
      const { conversation } = await handOff(r, 'u-twice', false);
      await r.sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-twice' });
      await r.sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-twice' });
      const marker = await r.sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-twice', message: 'still there?' });
      const chat = await r.desk.chatFor('u-twice');
      await r.desk.waitForMessages(chat.ref, 1);
      expect((await r.desk.chats()).filter((c) => c.visitorKey === 'u-twice')).toHaveLength(1);
      expect(r.sim.calls({ fn: 'startAgentSession', userId: 'u-twice' })).toHaveLength(1);
      expect((await activeSession(r, 'u-twice')).id).toBe(conversation.id);
      expect(r.sim.calls({ fn: 'sendBotMessage', requestId: marker.requestId })).toHaveLength(0);
    });
  });

  describe('what other modules see', () => {
    it('publishes every transition once, in order, with who and why', async () => {
      const seen: HandoffTransition[] = [];
      const stop = r.bridge.app.get(HandoffEventsService).onTransition((t) => t.visitorKey === 'u-events' && seen.push(t));
      try {
        const { conversation, ref } = await handOff(r, 'u-events');
        await r.desk.close(ref);
        await closedSession(r, conversation.id);
        await waitFor('three transitions', () => seen.length >= 3);
        expect(seen.map((t) => [t.from, t.to, t.reason])).toEqual([
          ['bot', 'queued', 'agent_transfer'],
          ['queued', 'assigned', 'agent_joined'],
          ['assigned', 'closed', 'agent_closed'],
        ]);
        expect(seen[1]!.actor).toBe('agent:agent-1');
        expect((await r.conversations.transitions(conversation.id)).map((t) => t.to)).toEqual(['queued', 'assigned', 'closed']);
      } finally {
        stop();
      }
    });

    it('serves the signed history link as an escaped page and refuses a forged or guessed one', async () => {
      await r.sim.userSays(bot, 'u-history', '<script>alert("x")</script> help');
      await r.sim.waitForDelivered(bot, 'u-history', 1);
      await r.sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-history' });
      const chat = await r.desk.chatFor('u-history');
      const path = new URL(chat.historyUrl).pathname;
      const page = await fetch(`${r.bridge.url}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      const html = await page.text();
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; help');
      // The page's one script is its own local-time formatter, allowed by its hash in the CSP; the user's is text.
      const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
      expect(scripts).toHaveLength(1);
      const hash = createHash('sha256').update(scripts[0]!).digest('base64');
      expect(page.headers.get('content-security-policy')).toContain(`script-src 'sha256-${hash}'`);
      expect(html).not.toContain('<script>alert');
      const [body, signature] = path.split('/').pop()!.split('.');
      const guessed = Buffer.from(JSON.stringify({ c: '00000000-0000-0000-0000-000000000000', e: 9999999999 })).toString('base64url');
      for (const bad of [`${guessed}.${signature}`, `${body}.AAAA`, 'u-history']) {
        const res = await fetch(`${r.bridge.url}/history/${bad}`);
        expect(res.status).toBe(403);
        expect(await res.text()).toContain('This link is invalid or has expired.');
      }
    });

    it('refreshes the bot-variable cache on on_variable_update', async () => {
      await r.sim.sendEvent({ botId: bot, event: 'on_variable_update', body: { data: { eventType: 'variable_update', language: 'de' } } });
      const cached = await waitFor('cached variables', () => r.bridge.app.get(BotVariablesService).get(bot, 'de'));
      expect(cached).toBeTruthy();
    });
  });

  describe('relay', () => {
    it('relays both ways in order while both sides write at once, with the newest request context', async () => {
      const { conversation, ref } = await handOff(r, 'u-relay');
      const userTexts = Array.from({ length: 15 }, (_, i) => `user ${i}`);
      const agentTexts = Array.from({ length: 15 }, (_, i) => `agent ${i}`);
      const userSide = (async () => {
        for (const text of userTexts) await r.sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-relay', message: text });
      })();
      const agentSide = (async () => {
        for (const [i, text] of agentTexts.entries()) expect(await r.desk.say(ref, `m-${i}`, text)).toBe(200);
      })();
      await Promise.all([userSide, agentSide]);
      expect(await r.desk.waitForMessages(ref, 15)).toEqual(userTexts);
      const delivered = await r.sim.waitForDelivered(bot, 'u-relay', 2 + 15);
      expect(delivered.slice(2)).toEqual(agentTexts);
      // In agent mode nothing reaches the bot, and replies use the latest requestId, not the transfer's.
      expect(r.sim.calls({ fn: 'sendBotMessage', userId: 'u-relay' })).toHaveLength(0);
      const latest = (await r.conversations.findById(conversation.id))!.latestRequestId;
      expect(latest).not.toBe(conversation.latestRequestId);
      await r.desk.say(ref, 'm-final', 'final');
      await r.sim.waitForDelivered(bot, 'u-relay', 2 + 15 + 1);
      expect(r.sim.calls({ fn: 'sendUserMessage', userId: 'u-relay' }).pop()!.requestId).toBe(latest);
    });

    it('holds bot messages back in agent mode and passes typing to the desk', async () => {
      const { ref } = await handOff(r, 'u-hold');
      await r.sim.sendEvent({ botId: bot, event: 'on_bot_message', userId: 'u-hold', message: 'bot talking over the agent' });
      await r.sim.clientEvent(bot, 'u-hold', 'TYPING_STARTED');
      await waitFor('typing on the desk', async () => (await r.desk.entries(ref)).some((e) => e.kind === 'activity'));
      expect(r.sim.delivered(bot, 'u-hold')).not.toContain('bot talking over the agent');
    });

    it('delivers a redelivered agent message once and stores the transcript with direction, author and state', async () => {
      const { conversation, ref } = await handOff(r, 'u-dedupe');
      await r.desk.say(ref, 'same-id', 'only once');
      await r.desk.say(ref, 'same-id', 'only once');
      await r.sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-dedupe', message: 'thanks' });
      await r.desk.waitForMessages(ref, 1);
      await r.sim.waitForDelivered(bot, 'u-dedupe', 3);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(r.sim.delivered(bot, 'u-dedupe').filter((t) => t === 'only once')).toHaveLength(1);
      const rows = await waitFor('delivered rows', async () => {
        const all = await r.transcript.list(conversation.id);
        return all.every((m) => m.deliveryState === 'delivered') ? all : null;
      });
      expect(rows.map((m) => [m.direction, m.author, m.text])).toEqual([
        ['to_user', 'system', 'An agent will be with you shortly.'],
        ['to_user', 'system', 'Alice has joined the chat.'],
        ['to_user', 'agent', 'only once'],
        ['to_agent', 'user', 'thanks'],
      ]);
      expect(rows.every((m) => m.createdAt instanceof Date)).toBe(true);
    });

    it('sends a message again when its event runs again after a stop between storing and sending it (at least once)', async () => {
      const { conversation, ref } = await handOff(r, 'u-rerun');
      // What a process that stopped mid-send leaves: the row, stored delivered, and the event still in its lane.
      const requestId = 'ms-rerun-0001';
      await r.bridge.app.get(DataSource).query(
        `INSERT INTO transcript_messages (conversation_id, direction, author, text, external_id, delivery_state, delivered_at, attempts)
         VALUES ($1, 'to_agent', 'user', 'stored before the stop', $2, 'delivered', now(), 1)`,
        [conversation.id, requestId],
      );
      await r.sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-rerun', message: 'stored before the stop', requestId });
      expect(await r.desk.waitForMessages(ref, 1)).toEqual(['stored before the stop']);
      const rows = (await r.transcript.list(conversation.id)).filter((m) => m.direction === 'to_agent');
      expect(rows.map((m) => [m.externalId, m.deliveryState])).toEqual([[requestId, 'delivered']]);
    });

    it('splits an agent message over the platform limit instead of truncating it', async () => {
      const { ref } = await handOff(r, 'u-long');
      const long = 'word '.repeat(1000).trim();
      await r.desk.say(ref, 'long-1', long);
      const delivered = await r.sim.waitForDelivered(bot, 'u-long', 4);
      expect(delivered.slice(2).join(' ').split(' ')).toHaveLength(1000);
    });

    it('reports a message that finally cannot reach the agent to both sides', async () => {
      const { conversation, ref } = await handOff(r, 'u-lost');
      await r.desk.setFaults({ rejectMessages: 1 });
      await r.sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-lost', message: 'will be refused' });
      const delivered = await r.sim.waitForDelivered(bot, 'u-lost', 3);
      expect(delivered[2]).toBe('Your last message could not be delivered to the agent.');
      await waitFor('the agent told', async () => (await r.desk.entries(ref)).some((e) => e.kind === 'notice' && /could not be delivered/.test(e.text)));
      const [row] = await r.transcript.list(conversation.id).then((rows) => rows.filter((m) => m.direction === 'to_agent'));
      expect(row!.deliveryState).toBe('failed');
    });

    it('retries a desk that is down and delivers in order when it is back', async () => {
      const { ref } = await handOff(r, 'u-retry');
      await r.desk.setFaults({ failMessages: 2 });
      for (const text of ['one', 'two', 'three']) await r.sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-retry', message: text });
      expect(await r.desk.waitForMessages(ref, 3, 15_000)).toEqual(['one', 'two', 'three']);
    });
  });

  describe('ending', () => {
    it('the user ends it with the end command: desk closed, notices, clearAgentSession once, back to the bot', async () => {
      const { conversation, ref } = await handOff(r, 'u-end');
      await r.sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-end', message: 'clearagent' });
      const closed = await closedSession(r, conversation.id);
      expect(closed.closeReason).toBe('user_ended');
      await expectClearedOnce(r, 'u-end');
      expect(r.sim.delivered(bot, 'u-end').pop()).toBe('You have left the chat with the agent. You are back with the assistant.');
      await waitFor('desk chat closed', async () => (await r.desk.chat(ref)).closed);
      expect((await r.desk.entries(ref)).some((e) => e.kind === 'notice' && e.text === 'The user ended the chat.')).toBe(true);
      const after = await r.sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-end', message: 'back to you, bot' });
      await r.sim.waitForCalls({ fn: 'sendBotMessage', requestId: after.requestId }, 1);
    });

    it('the agent closes it (twice, as desks redeliver): the user is told and the session cleared once', async () => {
      const { conversation, ref } = await handOff(r, 'u-agent-close');
      await r.desk.say(ref, 'bye-1', 'Goodbye!');
      await Promise.all([r.desk.close(ref), r.desk.close(ref)]);
      expect((await closedSession(r, conversation.id)).closeReason).toBe('agent_closed');
      await expectClearedOnce(r, 'u-agent-close');
      const delivered = r.sim.delivered(bot, 'u-agent-close');
      expect(delivered.slice(-2)).toEqual(['Goodbye!', 'The agent has ended the chat. You are back with the assistant.']);
      const clear = r.sim.calls({ fn: 'clearAgentSession', userId: 'u-agent-close' })[0]!;
      expect(clear.body.message).toBeUndefined();
    });

    it("the agent's last message still goes out before the closing notice when its delivery was being retried at the close", async () => {
      const { conversation, ref } = await handOff(r, 'u-close-retry');
      // The platform refuses the next sends (retryable): "Goodbye!" is still pending when the close arrives.
      r.sim.failNext('sendUserMessage', 503, 6);
      await r.desk.say(ref, 'bye-r', 'Goodbye!');
      await waitFor('a refused send of the last message', () => r.sim.calls({ fn: 'sendUserMessage', userId: 'u-close-retry' }).some((c) => c.status === 503));
      expect(await r.desk.close(ref)).toBe(200);
      await closedSession(r, conversation.id);
      const stored = (await r.transcript.list(conversation.id)).find((m) => m.text === 'Goodbye!');
      expect(stored?.deliveryState).not.toBe('failed');
      await expectClearedOnce(r, 'u-close-retry');
      expect(r.sim.delivered(bot, 'u-close-retry').slice(2)).toEqual(['Goodbye!', 'The agent has ended the chat. You are back with the assistant.']);
    }, 60_000);

    it('a user ending and an agent closing at the same moment still clear the session exactly once', async () => {
      const { conversation, ref } = await handOff(r, 'u-race');
      await Promise.all([r.desk.close(ref), r.sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-race', message: 'clearagent' })]);
      await closedSession(r, conversation.id);
      await expectClearedOnce(r, 'u-race');
      const closes = (await r.conversations.transitions(conversation.id)).filter((t) => t.to === 'closed');
      expect(closes).toHaveLength(1);
    });

    it('the platform resets it: agent_transfer drops to false after being true', async () => {
      const { conversation } = await handOff(r, 'u-reset');
      await r.sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-reset', message: 'with agent' });
      const later = await r.sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-reset', message: 'after reset', body: { agent_transfer: false } });
      expect((await closedSession(r, conversation.id)).closeReason).toBe('platform_reset');
      await r.sim.waitForCalls({ fn: 'sendBotMessage', requestId: later.requestId }, 1);
      await expectClearedOnce(r, 'u-reset');
    });

    it('a desk with nobody online ends the hand-off at once and tells the user', async () => {
      await r.desk.setFaults({ noAgents: true });
      try {
        await r.sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-nobody' });
        await expectClearedOnce(r, 'u-nobody');
        expect(r.sim.delivered(bot, 'u-nobody').pop()).toBe('No agent is available right now. You are back with the assistant.');
      } finally {
        await r.desk.setFaults({});
      }
    });
  });
});

describe('hand-off timers (BullMQ jobs; intervals shortened through the settings)', () => {
  let env: TestEnvironment;
  let r: Rig;

  beforeAll(async () => {
    env = await createTestEnvironment('handoff_timers');
    // The queue timeout leaves a loaded machine time to have the agent join in the other tests (a
    // session closed by it before the join is not what they test); inactivity is longer, so that a
    // chat nobody takes ends by its queue timeout.
    r = await rig(env, { handoff: { keepaliveIntervalSeconds: 1, inactivityTimeoutSeconds: 12, queueTimeoutSeconds: 8 } });
  });
  afterAll(async () => {
    await r?.close();
    await env?.destroy();
  });

  it('keeps the newest requestId alive with extendRequestId while the session is open', async () => {
    const { conversation } = await handOff(r, 'u-keep');
    const message = await r.sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-keep', message: 'ping' });
    await waitFor('newest request stored', async () => (await r.conversations.findById(conversation.id))?.latestRequestId === message.requestId);
    const calls = await r.sim.waitForCalls({ fn: 'extendRequestId', requestId: message.requestId }, 2, 20_000);
    expect(calls.every((c) => c.status === 200)).toBe(true);
    await r.sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-keep', message: 'clearagent' });
    await closedSession(r, conversation.id);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = r.sim.calls({ fn: 'extendRequestId', userId: 'u-keep' }).length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(r.sim.calls({ fn: 'extendRequestId', userId: 'u-keep' })).toHaveLength(before);
  });

  it('closes a session after the inactivity timeout, moved by activity, with a notice to both sides', async () => {
    const { conversation, ref } = await handOff(r, 'u-idle');
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await r.sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-idle', message: 'still here' });
    const closed = await closedSession(r, conversation.id);
    expect(closed.closeReason).toBe('inactivity');
    expect(Date.now() - started).toBeGreaterThan(2500 + 11_500);
    await expectClearedOnce(r, 'u-idle');
    expect(r.sim.delivered(bot, 'u-idle').pop()).toBe('The chat with the agent was closed after 12 seconds without activity.');
    await waitFor('agent told', async () => (await r.desk.entries(ref)).some((e) => e.kind === 'notice' && /without activity/.test(e.text)));
  });

  it('hands back to the bot when no agent takes the chat within the queue timeout', async () => {
    const { conversation, ref } = await handOff(r, 'u-wait', false);
    const closed = await closedSession(r, conversation.id);
    expect(closed.closeReason).toBe('queue_timeout');
    await expectClearedOnce(r, 'u-wait'); // after the user's queue is drained, so the notice is out
    expect(r.sim.delivered(bot, 'u-wait').pop()).toBe('No agent is available right now. You are back with the assistant.');
    await waitFor('desk chat closed', async () => (await r.desk.chat(ref)).closed);
  });

  it('ends the session when the platform refuses to extend the request (its own reset)', async () => {
    const { conversation } = await handOff(r, 'u-expired');
    r.sim.expireRequest((await r.conversations.findById(conversation.id))!.latestRequestId);
    expect((await closedSession(r, conversation.id)).closeReason).toBe('platform_reset');
  });
});
