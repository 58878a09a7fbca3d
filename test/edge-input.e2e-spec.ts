import type { ChildProcess } from 'node:child_process';
import { ConversationRepository, HistoryLinkService, TranscriptRepository } from '@agent-bridge/handoff';
import { createTestEnvironment, freePort, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { LoopbackDesk } from './loopback-desk.client';
import { everyWorkerBack, startRedis, stopRedis } from './own-redis';

const bot = TEST_BOT.botId;
const NUL_AND_SURROGATES = 'one\u0000two \ud800 three \udc00 \ud83d\ude00';
const NORMALISED = 'onetwo \ufffd three \ufffd \ud83d\ude00';

describe('edge input: normalised or refused before the acknowledgement, never a 5xx', () => {
  let env: TestEnvironment;
  let redisPort: number;
  let redis: ChildProcess;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let desk: LoopbackDesk;

  beforeAll(async () => {
    // BullMQ prints a queue's or worker's errors with console.error when nobody listens to them.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    env = await createTestEnvironment('edge_input');
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    bridge = await startBridge(testConfig(env, { redis: { url: `redis://127.0.0.1:${redisPort}`, keyPrefix: env.keyPrefix } }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    desk = new LoopbackDesk(bridge.url);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await sim?.stop();
    if (bridge) {
      if (redis.exitCode !== null || redis.signalCode !== null) redis = await startRedis(redisPort);
      await everyWorkerBack(bridge.app).catch(() => undefined);
      await bridge.close();
    }
    if (redis) await stopRedis(redis);
    await env?.destroy();
  }, 60_000);


  async function handOff(user: string): Promise<{ ref: string; conversationId: string }> {
    expect((await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: user })).status).toBe(200);
    const chat = await desk.chatFor(user);
    expect(await desk.join(chat.ref)).toBe(200);
    await sim.waitForDelivered(bot, user, 2, 15_000);
    const conversation = await waitFor(`an active session for ${user}`, () => bridge.app.get(ConversationRepository).findActive(bot, user));
    return { ref: chat.ref, conversationId: conversation.id };
  }

  it('a user message with NUL and lone surrogates reaches the desk and Postgres normalised, and the next one follows', async () => {
    const { ref, conversationId } = await handOff('u-nul-text');
    const res = await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-nul-text', message: NUL_AND_SURROGATES });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe(NORMALISED);
    expect((await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-nul-text', message: 'and then this' })).status).toBe(200);
    // The later message is not held behind the first: both reach the desk, in order.
    expect(await desk.waitForMessages(ref, 2, 10_000)).toEqual([NORMALISED, 'and then this']);
    const stored = await bridge.app.get(TranscriptRepository).list(conversationId);
    expect(stored.filter((m) => m.direction === 'to_agent').map((m) => m.text)).toEqual([NORMALISED, 'and then this']);
  });

  it('an agent message with NUL and lone surrogates reaches the user normalised', async () => {
    const { ref } = await handOff('u-nul-agent');
    expect(await desk.say(ref, 'a-1', `agent ${NUL_AND_SURROGATES}`)).toBe(200);
    const delivered = await sim.waitForDelivered(bot, 'u-nul-agent', 3, 10_000);
    expect(delivered[2]).toBe(`agent ${NORMALISED}`);
  });

  /** An event the platform sandbox builds, with its body changed and serialised here (the sandbox cannot hold these ids). */
  async function sendChanged(event: string, userId: string, change: (body: Record<string, unknown>) => string | void) {
    const { body } = sim.buildEvent({ botId: bot, event, userId });
    return sim.sendRaw(`/sdk/bots/${bot}/${event}`, change(body) ?? JSON.stringify(body), sim.eventHeaders(bot));
  }

  it.each([
    ['requestId with NUL', 'u-bad-id-1', (b: Record<string, unknown>) => void (b.requestId = 'rq\u0000nul'), 'requestId'],
    ['requestId with a lone surrogate', 'u-bad-id-2', (b: Record<string, unknown>) => void (b.requestId = 'rq\ud800'), 'requestId'],
    // UserContext._id is read first: without it, channelInfos.from is the user's key.
    ['user id with NUL', 'u-bad-id-3', (b: Record<string, unknown>) => {
      (b.channel as { channelInfos: { from: string } }).channelInfos.from = 'u-bad\u0000id-3';
      delete (b.context as { session?: unknown }).session;
    }, 'channel.channelInfos.from'],
  ])('on_agent_transfer with a %s is refused 400 in BotKit\'s shape, and nothing is stored', async (_name, userId, change, field) => {
    const res = await sendChanged('on_agent_transfer', userId, change);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.rawBody)).toEqual({ errors: [{ msg: expect.stringContaining(field), code: 'BAD_REQUEST' }] });
    expect(await desk.chats()).not.toContainEqual(expect.objectContaining({ visitorKey: userId }));
    expect(await bridge.app.get(ConversationRepository).findActive(bot, userId)).toBeNull();
  });

  it('refuses a body nested past 200 levels with 400 and accepts a deep but sane one', async () => {
    const nested = (levels: number) => (b: Record<string, unknown>) => {
      b.context = { marker: 'DEEP' };
      return JSON.stringify(b).replace('"DEEP"', `${'{"n":'.repeat(levels)}"leaf"${'}'.repeat(levels)}`);
    };
    const deep = await sendChanged('on_bot_message', 'u-deep', nested(5000));
    expect(deep.status).toBe(400);
    expect(JSON.parse(deep.rawBody)).toEqual({ errors: [{ msg: 'The body is nested deeper than 200 levels', code: 'BAD_REQUEST' }] });
    expect((await sendChanged('on_bot_message', 'u-deep', nested(150))).status).toBe(200);
  });

  it('console sign-in: NUL or a lone surrogate in the credentials is a 400, a wrong password a 401', async () => {
    const signIn = (email: string, password: string) =>
      fetch(`${bridge.url}/console/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    const nul = await signIn('agent@example.com\u0000', 'x');
    expect(nul.status).toBe(400);
    expect(await nul.json()).toEqual({ errors: [{ msg: expect.any(String), code: 'BAD_REQUEST' }] });
    expect((await signIn('agent@example.com', 'pass\ud800word')).status).toBe(400);
    expect((await signIn('agent@example.com', 'wrong')).status).toBe(401);
  });

  it('a correctly signed history token naming no uuid is a 404', async () => {
    const url = new URL(bridge.app.get(HistoryLinkService).url('not-a-uuid'));
    const res = await fetch(`${bridge.url}${url.pathname}`);
    expect(res.status).toBe(404);
  });

  it('NUL in a loopback path or id is a 400, never a 500', async () => {
    const call = (path: string, body: unknown) =>
      fetch(`${bridge.url}/providers/loopback${path}`, { method: 'POST', headers: { 'x-loopback-secret': 'test-loopback-secret', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await call('/chats/a%00b/join', { agentId: 'x' })).status).toBe(400);
    expect((await call('/chats/a%00b/messages', { id: 'x', text: 'y' })).status).toBe(400);
    expect((await call('/chats/no-such-chat/messages', { id: 'x\u0000', text: 'y\u0000' })).status).toBeLessThan(500);
  });

  // Last: it takes this file's Redis away.
  it('answers 503 with Retry-After while Redis is down, and 200 again once it is back', async () => {
    await stopRedis(redis);
    const down = await waitFor('a 503 from the SDK route', async () => {
      const res = await sim.sendEvent({ botId: bot, event: 'on_bot_message', userId: 'u-outage', message: 'while down' });
      expect(res.status).not.toBe(500);
      return res.status === 503 ? res : null;
    }, 30_000, 200);
    expect(down.headers['retry-after']).toBe('5');
    expect(down.body).toEqual({ errors: [{ msg: expect.any(String), code: 'SERVICE_UNAVAILABLE' }] });
    // Every event and the desk's routes, while it stays down: a 503 each time, never a 500.
    const during = await Promise.all([
      ...['on_user_message', 'on_bot_message', 'on_agent_transfer', 'on_event', 'on_alert', 'on_client_event', 'on_variable_update'].map((event) =>
        sim.sendEvent({ botId: bot, event, userId: 'u-outage', message: 'while down' }).then((r) => ({ what: event, status: r.status, retryAfter: r.headers['retry-after'] })),
      ),
      fetch(`${bridge.url}/providers/loopback/chats`, { headers: { 'x-loopback-secret': 'test-loopback-secret' } }).then((r) => ({ what: 'loopback chats', status: r.status, retryAfter: r.headers.get('retry-after') ?? undefined })),
    ]);
    expect(during).toEqual(during.map(({ what }) => ({ what, status: 503, retryAfter: '5' })));
    redis = await startRedis(redisPort);
    await waitFor('a 200 once Redis is back', async () => {
      const res = await sim.sendEvent({ botId: bot, event: 'on_bot_message', userId: 'u-outage', message: 'back' });
      expect(res.status).not.toBe(500);
      return res.status === 200 ? res : null;
    }, 30_000, 200);
    await everyWorkerBack(bridge.app);
  }, 90_000);
});
