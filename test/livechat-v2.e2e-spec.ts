import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import { ConversationRepository } from '@agent-bridge/handoff';
import { type Conversation } from '@agent-bridge/desk-port';
import { JOBS, QUEUES, jobId } from '@agent-bridge/queue';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, type TestEnvironment, freePort } from '@agent-bridge/testing';
import { LiveChatSim, type ChatSnapshot } from '../apps/livechat-sim/src';
import type { PlatformSim } from '../apps/platform-sim/src';
import { BridgeProcess } from './bridge-process';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';

const bot = TEST_BOT.botId;
const LICENCE = '10203040';
const NOTICE = '[agent-bridge] ';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ChatState {
  visitor_id: string;
  secured_session_id: string;
  last_message_id: number;
}

async function chatState(databaseUrl: string, conversationId: string): Promise<ChatState | null> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ state: ChatState }>('SELECT state FROM provider_chat_state WHERE conversation_id = $1', [conversationId]);
    return rows[0]?.state ?? null;
  } finally {
    await pg.end();
  }
}

/** The v2 chat LiveChat holds for `user` (visitor ids are derived from the user id, readable part first). */
function chatFor(lc: LiveChatSim, user: string): Promise<ChatSnapshot> {
  return lc.waitForChat((c) => c.kind === 'v2' && (c.visitorId ?? '').startsWith(`kore-${user}-`), 10_000);
}

/** What the bridge wrote into the chat as the user: the welcome and its own `[agent-bridge]` notes left out. */
function userLines(lc: LiveChatSim, chatId: string): string[] {
  return lc.customerEvents(chatId).slice(1).map((e) => String(e.text)).filter((t) => !t.startsWith(NOTICE));
}

function transfer(platform: PlatformSim, user: string) {
  return platform.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: user, body: { context: { session: { UserContext: { _id: user, firstName: 'Dana', lastName: 'Doe' } } } } });
}

function say(platform: PlatformSim, user: string, message: string) {
  return platform.sendEvent({ botId: bot, event: 'on_user_message', userId: user, message });
}

describe('LiveChat legacy v2 provider (bridge + platform sandbox + LiveChat simulator, real Postgres/Redis/BullMQ)', () => {
  let env: TestEnvironment;
  let lc: LiveChatSim;
  let bridge: RunningBridge;
  let platform: PlatformSim;
  let conversations: ConversationRepository;
  let polls: Queue;

  beforeAll(async () => {
    env = await createTestEnvironment('livechat_v2');
    lc = new LiveChatSim({ port: 0, licenseId: LICENCE, v2KeepAliveSeconds: 4, inactivitySeconds: 0 });
    await lc.start();
    bridge = await startBridge(testConfig(env, { handoff: { provider: 'livechat-v2' }, livechat: { apiUrl: lc.url, licenseId: LICENCE, v2PollSeconds: 1 } }));
    platform = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    conversations = bridge.app.get(ConversationRepository);
    polls = bridge.app.get<Queue>(getQueueToken(QUEUES.livechatV2Poll), { strict: false });
  });
  afterAll(async () => {
    await platform?.stop();
    await bridge?.close();
    await lc?.stop();
    await env?.destroy();
  });

  const activeSession = (user: string): Promise<Conversation> => waitFor(`an active session for ${user}`, () => conversations.findActive(bot, user));
  const closedSession = (id: string): Promise<Conversation> =>
    waitFor(`session ${id} closed`, async () => {
      const c = await conversations.findById(id);
      return c?.state === 'closed' ? c : null;
    }, 10_000);
  const pollerGone = (id: string) => waitFor(`poll scheduler of ${id} removed`, async () => (await polls.getJobScheduler(jobId('v2poll', id))) === undefined, 5000);

  /** Hands `user` over and has Anna join in LiveChat; her join reaches the user through polling. */
  async function handOff(user: string): Promise<{ conversation: Conversation; chat: ChatSnapshot }> {
    await transfer(platform, user);
    const chat = await chatFor(lc, user);
    lc.agentJoin(chat.id, 'anna@example.com');
    expect(await platform.waitForDelivered(bot, user, 2)).toEqual(['An agent will be with you shortly.', 'Anna Agent has joined the chat.']);
    return { conversation: await activeSession(user), chat };
  }

  async function expectClearedOnce(user: string): Promise<void> {
    await platform.waitForCalls({ fn: 'clearAgentSession', userId: user }, 1, 10_000);
    await sleep(700);
    expect(platform.calls({ fn: 'clearAgentSession', userId: user })).toHaveLength(1);
    expect(platform.inAgentSession(bot, user)).toBe(false);
  }

  it('hands off: the agent first sees the name and the signed history link, then the recent messages; the join comes back by polling', async () => {
    const user = 'u-v2-open';
    await platform.userSays(bot, user, 'my parcel is late');
    await platform.waitForDelivered(bot, user, 1);
    await transfer(platform, user);
    const chat = await chatFor(lc, user);
    const [welcome, recent] = await lc.waitForCustomerEvents(chat.id, 2);
    const lines = String(welcome!.text).split('\n');
    expect(lines[0]).toBe(`Dana Doe (${user}) was handed over: the bot transferred the chat.`);
    expect(lines[1]).toMatch(/^History with the bot: http:\/\/127\.0\.0\.1:0\/history\/[\w-]+\.[\w-]+$/);
    expect(String(welcome!.text).length).toBeLessThanOrEqual(1024);
    expect(recent!.text).toMatch(/^\[agent-bridge\] Last messages with the bot:\n/);
    expect(recent!.text).toContain('User: my parcel is late');

    const session = await waitFor('the chat linked to the session', async () => {
      const c = await conversations.findActive(bot, user);
      return c?.providerRef ? c : null;
    });
    expect(session).toMatchObject({ state: 'queued', provider: 'livechat-v2', providerRef: expect.stringMatching(/^CS\d+\.[0-9a-f]+$/) });
    expect(await chatState(env.databaseUrl, session.id)).toEqual({ visitor_id: chat.visitorId, secured_session_id: session.providerRef, last_message_id: expect.any(Number) });
    expect(await polls.getJobScheduler(jobId('v2poll', session.id))).toMatchObject({ name: JOBS.livechatV2Poll });

    lc.agentJoin(chat.id, 'anna@example.com');
    expect((await platform.waitForDelivered(bot, user, 3))[2]).toBe('Anna Agent has joined the chat.');
    const assigned = await waitFor('assigned', async () => ((await conversations.findById(session.id))?.state === 'assigned' ? conversations.findById(session.id) : null));
    expect(assigned!.agentName).toBe('Anna Agent');
    // The cursor follows the chat: everything LiveChat has logged so far was handled.
    const lastId = lc.v2Events(chat.visitorId!).at(-1)!.message_id;
    await waitFor('cursor at the last event', async () => (await chatState(env.databaseUrl, session.id))?.last_message_id === lastId);
  });

  it('relays both ways in order while both sides write', async () => {
    const user = 'u-v2-relay';
    const { chat } = await handOff(user);
    const userTexts = Array.from({ length: 8 }, (_, i) => `user ${i}`);
    const agentTexts = Array.from({ length: 8 }, (_, i) => `agent ${i}`);
    for (const [i, text] of userTexts.entries()) {
      await say(platform, user, text);
      lc.agentSays(chat.id, agentTexts[i]!);
    }
    await lc.waitFor(() => userLines(lc, chat.id).length >= userTexts.length, 10_000, 'user messages in LiveChat');
    expect(userLines(lc, chat.id)).toEqual(userTexts);
    expect((await platform.waitForDelivered(bot, user, 2 + agentTexts.length, 10_000)).slice(2)).toEqual(agentTexts);
    await sleep(500);
    expect(platform.delivered(bot, user)).toHaveLength(2 + agentTexts.length);
    expect(platform.calls({ fn: 'sendBotMessage', userId: user })).toHaveLength(0);
  });

  it('sends a long user message in parts, none lost or cut', async () => {
    const user = 'u-v2-long';
    const { chat } = await handOff(user);
    const words = Array.from({ length: 900 }, (_, i) => `w${i}`);
    await say(platform, user, words.join(' '));
    await lc.waitFor(() => userLines(lc, chat.id).join(' ').split(' ').length >= words.length, 10_000, 'all parts');
    const parts = userLines(lc, chat.id);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.length <= 2000)).toBe(true);
    expect(parts.join(' ').split(' ')).toEqual(words);
  });

  it('the agent closes in LiveChat: last words, then the user is told, clearAgentSession once, polling stops', async () => {
    const user = 'u-v2-agent-close';
    const { conversation, chat } = await handOff(user);
    lc.agentSays(chat.id, 'Goodbye!');
    lc.agentCloses(chat.id);
    expect((await closedSession(conversation.id)).closeReason).toBe('agent_closed');
    await expectClearedOnce(user);
    expect(platform.delivered(bot, user).slice(2)).toEqual(['Goodbye!', 'The agent has ended the chat. You are back with the assistant.']);
    await pollerGone(conversation.id);
    const closedEvent = lc.v2Events(chat.visitorId!).at(-1)!;
    expect(closedEvent.type).toBe('chat_closed');
    expect((await chatState(env.databaseUrl, conversation.id))!.last_message_id).toBe(closedEvent.message_id);
  });

  it('the user ends with clearagent: the LiveChat chat is closed, the agent told, clearAgentSession once', async () => {
    const user = 'u-v2-end';
    const { conversation, chat } = await handOff(user);
    await say(platform, user, 'clearagent');
    expect((await closedSession(conversation.id)).closeReason).toBe('user_ended');
    const closed = await lc.waitForChatClosed(chat.id, 10_000);
    expect(closed.threads.at(-1)!.events.at(-1)!.system_message_type).toBe('manual_archived_customer');
    expect(lc.customerEvents(chat.id).map((e) => e.text)).toContain(`${NOTICE}The user ended the chat.`);
    await expectClearedOnce(user);
    expect(platform.delivered(bot, user).pop()).toBe('You have left the chat with the agent. You are back with the assistant.');
    await pollerGone(conversation.id);
    // Back with the bot: the next message is the bot's, not relayed to LiveChat.
    const after = await say(platform, user, 'back to you, bot');
    await platform.waitForCalls({ fn: 'sendBotMessage', requestId: after.requestId }, 1);
    expect(userLines(lc, chat.id)).not.toContain('back to you, bot');
  });

  it('a new hand-off while LiveChat still holds the previous chat open gets a chat of its own', async () => {
    const user = 'u-v2-again';
    const first = await handOff(user);
    // LiveChat is slow to close the first chat: it is still open when the user asks for an agent again,
    // and v2's chat/start answers with a visitor's running chat.
    lc.failNext('visitor.close', '500', 1, { delayMs: 2500 });
    await say(platform, user, 'clearagent');
    await closedSession(first.conversation.id);
    await transfer(platform, user);
    const second = await waitFor('a second session linked to its chat', async () => {
      const c = await conversations.findActive(bot, user);
      return c?.providerRef ? c : null;
    }, 10_000);
    expect(second.id).not.toBe(first.conversation.id);
    expect(second.providerRef).not.toBe(first.conversation.providerRef);
    const chats = lc.chats().filter((c) => c.visitorId === first.chat.visitorId);
    expect(chats).toHaveLength(2);
    expect(lc.chat(first.chat.id)!.active).toBe(false);
    const newChat = chats.find((c) => c.id !== first.chat.id)!;
    expect(newChat.active).toBe(true);
    expect(lc.customerEvents(newChat.id)[0]!.text).toMatch(/^Dana Doe \(u-v2-again\) was handed over/);
    lc.agentJoin(newChat.id, 'bruno@example.com');
    await waitFor('Bruno joined the new session', () => platform.delivered(bot, user).includes('Bruno Backup has joined the chat.'), 5000);
    expect((await conversations.findById(second.id))!.agentName).toBe('Bruno Backup');
  });

  it('LiveChat down for a while: messages both ways wait, then arrive in order, once each', async () => {
    const user = 'u-v2-down';
    const { chat } = await handOff(user);
    await lc.setDown(1500, 'refuse');
    // Once it is back, it still fails a send and a poll before answering normally.
    lc.failNext('visitor.send_message', '503', 1);
    lc.failNext('visitor.get_pending_messages', '500', 1);
    for (const text of ['one', 'two', 'three']) await say(platform, user, text);
    lc.agentSays(chat.id, 'sorry for the wait');
    lc.agentSays(chat.id, 'are you still there?');
    await lc.waitFor(() => userLines(lc, chat.id).length >= 3, 15_000, 'the user messages in LiveChat');
    expect(userLines(lc, chat.id)).toEqual(['one', 'two', 'three']);
    expect((await platform.waitForDelivered(bot, user, 4, 15_000)).slice(2)).toEqual(['sorry for the wait', 'are you still there?']);
    expect(lc.state().faults).toMatchObject({ down: null, failNext: [] });
    expect(lc.chat(chat.id)!.active).toBe(true);
    await sleep(500);
    expect(platform.delivered(bot, user)).toHaveLength(4);
    expect(userLines(lc, chat.id)).toHaveLength(3);
  });

  it('polling keeps the chat alive past the keep-alive window, in which an unpolled chat is closed', async () => {
    lc.updateSettings({ v2KeepAliveSeconds: 2 });
    try {
      const user = 'u-v2-alive';
      const { chat } = await handOff(user);
      const control = await fetch(`${lc.url}/visitors/unpolled-visitor/chat/start`, {
        method: 'POST',
        headers: { 'x-api-version': '2', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ licence_id: LICENCE, welcome_message: 'nobody polls me' }).toString(),
      });
      expect(control.status).toBe(200);
      const controlChat = lc.chats().find((c) => c.visitorId === 'unpolled-visitor')!;
      const started = Date.now();
      await lc.waitForChatClosed(controlChat.id, 5000);
      await sleep(Math.max(0, 5000 - (Date.now() - started))); // two and a half windows
      expect(lc.chat(chat.id)!.active).toBe(true);
      lc.agentSays(chat.id, 'still with you');
      expect((await platform.waitForDelivered(bot, user, 3))[2]).toBe('still with you');
    } finally {
      lc.updateSettings({ v2KeepAliveSeconds: 4 });
    }
  });
});

/** A pass-through in front of the LiveChat simulator that records each poll's query. */
async function recordingProxy(target: string): Promise<{ url: string; polls: URLSearchParams[]; close(): Promise<void> }> {
  const polls: URLSearchParams[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', target);
    if (url.pathname.endsWith('/get_pending_messages')) polls.push(url.searchParams);
    const upstream = http.request(url, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    polls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('LiveChat v2: restart in the middle of a chat (real process, SIGTERM)', () => {
  let PORT: string;
  let env: TestEnvironment;
  let lc: LiveChatSim;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  let bridge: BridgeProcess;
  let platform: PlatformSim;

  beforeAll(async () => {
    env = await createTestEnvironment('livechat_v2_restart');
    PORT = String(await freePort());
    // Longer than a restart takes: the chat must outlive the bridge's downtime, as with LiveChat's ~30 s.
    lc = new LiveChatSim({ port: 0, licenseId: LICENCE, v2KeepAliveSeconds: 20, inactivitySeconds: 0 });
    await lc.start();
    proxy = await recordingProxy(lc.url);
    bridge = BridgeProcess.forTest(env, PORT, {
      HANDOFF_PROVIDER: 'livechat-v2',
      LIVECHAT_API_URL: proxy.url,
      LIVECHAT_LICENSE_ID: LICENCE,
      LIVECHAT_V2_POLL_SECONDS: '1',
    });
    await bridge.start();
    platform = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
  });
  afterAll(async () => {
    await platform?.stop();
    await bridge?.stop();
    await proxy?.close();
    await lc?.stop();
    await env?.destroy();
  });

  it('relays agent messages sent while the bridge was down after it starts again, once each, in order, from the stored cursor', async () => {
    const user = 'u-v2-restart';
    await transfer(platform, user);
    const chat = await chatFor(lc, user);
    lc.agentJoin(chat.id, 'anna@example.com');
    lc.agentSays(chat.id, 'before the restart');
    expect(await platform.waitForDelivered(bot, user, 3, 10_000)).toEqual(['An agent will be with you shortly.', 'Anna Agent has joined the chat.', 'before the restart']);
    const pg = new Client({ connectionString: env.databaseUrl });
    await pg.connect();
    const { rows } = await pg.query<{ id: string }>(`SELECT id FROM conversations WHERE visitor_key = $1 AND state <> 'closed'`, [user]);
    await pg.end();
    const conversationId = rows[0]!.id;
    const handled = lc.v2Events(chat.visitorId!).at(-1)!.message_id;
    await waitFor('the cursor past the handled events', async () => (await chatState(env.databaseUrl, conversationId))?.last_message_id === handled);

    expect(await bridge.stop('SIGTERM')).toBe(0);
    const whileDown = Array.from({ length: 5 }, (_, i) => `while you were away ${i}`);
    for (const text of whileDown) lc.agentSays(chat.id, text);
    const pollsBeforeRestart = proxy.polls.length;

    await bridge.start();
    const delivered = await platform.waitForDelivered(bot, user, 3 + whileDown.length, 20_000);
    expect(delivered.slice(3)).toEqual(whileDown);
    // The first poll of the new process asked LiveChat for what came after the stored cursor.
    expect(proxy.polls[pollsBeforeRestart]!.get('last_message_id')).toBe(String(handled));

    // The chat went on: LiveChat kept it open and the user's reply reaches the agent.
    expect(lc.chat(chat.id)!.active).toBe(true);
    await say(platform, user, 'I am back');
    await lc.waitFor(() => userLines(lc, chat.id).includes('I am back'), 10_000, 'the reply in LiveChat');
    await sleep(1500);
    expect(platform.delivered(bot, user)).toHaveLength(3 + whileDown.length);
    expect((await chatState(env.databaseUrl, conversationId))!.last_message_id).toBe(lc.v2Events(chat.visitorId!).at(-1)!.message_id);
  });
});
