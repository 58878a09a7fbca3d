import type Redis from 'ioredis';
import { BOTKIT_EVENTS, BotkitClient, BotkitError, BotkitErrorCode, requestUrlsOf, toBotkitPayload, withMetaTags, type BotkitEventName, type BotkitPayload, type RequestUrls } from '@agent-bridge/botkit';
import { REDIS } from '@agent-bridge/persistence';
import { createTestEnvironment, testConfig, TEST_BOT, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';

/** Every SDK function, as the platform sandbox receives it: URL, method, auth, body. */
describe('BotKit outbound client (bridge -> platform sandbox over HTTP)', () => {
  let env: TestEnvironment;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let client: BotkitClient;
  const bot = TEST_BOT.botId;

  beforeAll(async () => {
    env = await createTestEnvironment('outbound');
    // No workers: nothing but this test calls the platform.
    bridge = await startBridge(testConfig(env, { workers: { enabled: false, concurrency: 1 }, kore: { requestTimeoutMs: 500 } }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    client = bridge.app.get(BotkitClient);
  });

  afterAll(async () => {
    await sim?.stop();
    await bridge?.close();
    await env?.destroy();
  });

  beforeEach(() => sim.reset());

  function payload(event: string, userId = 'u-out', extra: Record<string, unknown> = {}): BotkitPayload {
    return request(event, userId, extra).payload;
  }

  /** The payload as the bridge builds it, and the request-only URLs it carries beside it. */
  function request(event: string, userId = 'u-out', extra: Record<string, unknown> = {}): { payload: BotkitPayload; urls?: RequestUrls } {
    const built = sim.buildEvent({ botId: bot, event, userId, message: 'hello', body: extra });
    const eventName = event as BotkitEventName;
    const payload = toBotkitPayload({ eventName, requestId: built.requestId, botId: bot, componentId: 'default', body: built.body });
    return { payload, urls: requestUrlsOf(eventName, built.body) };
  }

  const posts: Array<[string, (c: BotkitClient, p: BotkitPayload) => Promise<void>, string, string]> = [
    ['sendUserMessage', (c, p) => c.sendUserMessage(p), 'on_bot_message', 'sendUserMessage'],
    ['sendBotMessage', (c, p) => c.sendBotMessage(p), 'on_user_message', 'sendBotMessage'],
    ['sendAlertMessage', (c, p) => c.sendAlertMessage(p), 'on_alert', 'sendAlertMessage'],
    ['sendBotEvent', (c, p) => c.sendBotEvent(p), 'on_client_event', 'sendBotEvent'],
    ['skipUserMessage', (c, p) => c.skipUserMessage(p), 'on_user_message', 'skipUserMessage'],
    ['skipBotMessage', (c, p) => c.skipBotMessage(p), 'on_bot_message', 'skipBotMessage'],
    ['resetBot', (c, p) => c.resetBot(p), 'on_variable_update', 'resetBot'],
    ['startAgentSession', (c, p) => c.startAgentSession(p), 'on_agent_transfer', 'startAgentSession'],
    ['clearAgentSession', (c, p) => c.clearAgentSession(p), 'on_agent_transfer', 'clearAgentSession'],
    ['extendRequestId', (c, p) => c.extendRequestId(p), 'on_user_message', 'extendRequestId'],
  ];

  it.each(posts)('%s posts the payload JSON with a valid auth JWT', async (_name, call, event, fn) => {
    const p = payload(event, 'u-out', event === 'on_variable_update' ? { data: { eventType: 'variable_update', variable: {} } } : {});
    await call(client, p);
    const [received] = sim.calls({ fn, requestId: p.requestId });
    expect(received).toBeDefined();
    expect(received!.method).toBe('POST');
    expect(received!.status).toBe(200);
    expect(received!.body).toEqual(JSON.parse(JSON.stringify(p)));
    const [, claims] = String(received!.headers.auth).split('.');
    const decoded = JSON.parse(Buffer.from(claims!, 'base64url').toString());
    expect(decoded.appId).toBe(TEST_BOT.clientId);
    expect(Number.isInteger(decoded.exp)).toBe(true);
  });

  // Kore's SDK reads these two URLs from the inbound request, which every event carries; BotKit's
  // toJSON() leaves them out of the payload (on_variable_update keeps resetBotUrl).
  const requestOnly: Array<[string, (c: BotkitClient, p: BotkitPayload, u?: RequestUrls) => Promise<void>, string]> = [
    ['resetBot', (c, p, u) => c.resetBot(p, u), 'resetBot'],
    ['closeConversationSession', (c, p, u) => c.closeConversationSession(p, u), 'closeConversationSession'],
    ['clearConversationSession (alias)', (c, p, u) => c.clearConversationSession(p, u), 'closeConversationSession'],
  ];
  describe.each(requestOnly)('%s', (_name, call, fn) => {
    it.each(BOTKIT_EVENTS.map((event) => [event]))('from %s: posts the payload JSON to the URL of the request', async (event) => {
      const extra = event === 'on_variable_update' ? { data: { eventType: 'variable_update', variable: {} } } : {};
      const { payload: p, urls } = request(event, 'u-any-event', extra);
      expect(p.clearConversationSessionUrl).toBeUndefined();
      await call(client, p, urls);
      const [received] = sim.calls({ fn, requestId: p.requestId });
      expect(received).toMatchObject({ method: 'POST', status: 200 });
      expect(received!.body).toEqual(JSON.parse(JSON.stringify(p)));
    });

    it('without the request URLs: a typed InvalidArguments, nothing sent', async () => {
      await expect(call(client, payload('on_user_message'))).rejects.toMatchObject({ code: BotkitErrorCode.InvalidArguments });
      expect(sim.calls({ fn })).toHaveLength(0);
    });
  });

  it('the acknowledgement of a message event stays BotKit\'s toJSON() byte for byte, without the request-only URLs', async () => {
    const built = sim.buildEvent({ botId: bot, event: 'on_user_message', userId: 'u-ack', message: 'hi' });
    const res = await sim.sendRaw(`/sdk/bots/${bot}/on_user_message`, JSON.stringify(built.body), sim.eventHeaders(bot));
    expect(res.status).toBe(200);
    const expected = toBotkitPayload({ eventName: 'on_user_message', requestId: built.requestId, botId: bot, componentId: 'default', body: built.body });
    expect(res.rawBody).toBe(JSON.stringify(expected));
    expect(res.rawBody).not.toContain('resetBotUrl');
    expect(res.rawBody).not.toContain('clearConversationSessionUrl');
  });

  it('sendFeedbackMessage posts the payload with the survey, enriched as BotKit does', async () => {
    const p = payload('on_user_message', 'u-feedback');
    await client.sendFeedbackMessage(p, { name: 'csat', score: 5 });
    const [received] = sim.calls({ fn: 'sendFeedbackMessage', requestId: p.requestId });
    expect(received).toMatchObject({ method: 'POST', status: 200 });
    expect(received!.body.feedbackData).toMatchObject({ name: 'csat', score: 5, botId: bot, channelUId: 'u-feedback', createdOn: expect.any(String) });
    await expect(client.sendFeedbackMessage(p, { name: 'csat' } as never)).rejects.toMatchObject({ code: BotkitErrorCode.InvalidArguments });
  });

  it('getMessages reads the history in the platform format, newest first', async () => {
    await sim.userSays(bot, 'u-hist', 'first question'); // the platform stores it, the bridge's workers are off
    await client.sendUserMessage({ ...payload('on_bot_message', 'u-hist'), message: 'the answer' });
    const result = await client.getMessages(payload('on_agent_transfer', 'u-hist'), { limit: 10, userId: 'u-hist' });
    const [call] = sim.calls({ fn: 'getMessages' });
    expect(call!.method).toBe('GET');
    expect(call!.query).toMatchObject({ skip: '0', limit: '10', userId: 'u-hist' });
    expect(result.messages.length).toBeGreaterThanOrEqual(2);
    expect(result.messages[result.messages.length - 1]!.components![0]!.data!.text).toBe('first question');
    expect(result.messages[0]!.type).toBe('outgoing');
    expect(result.messages[0]!.components![0]!.data!.text).toBe('the answer');
  });

  it('fetchBotVariable makes one GET per language with bot-language', async () => {
    const bodies = await client.fetchBotVariable(payload('on_variable_update', 'u-var', { data: { eventType: 'variable_update' } }), ['en', 'de']);
    expect(bodies).toHaveLength(2);
    expect(sim.calls({ fn: 'fetchBotVariable' }).map((c) => c.headers['bot-language']).sort()).toEqual(['de', 'en']);
  });

  it('adds meta tags to what it sends', async () => {
    const p = withMetaTags(payload('on_bot_message'), { sessionMetaTags: [{ name: 'handoff', value: 'agent' }] });
    await client.sendUserMessage(p);
    expect(sim.calls({ fn: 'sendUserMessage' })[0]!.body.metaTags).toEqual({ sessionMetaTags: [{ name: 'handoff', value: 'agent' }] });
  });

  it('saveData / getSavedData keep a payload per bot and request with a TTL; respondToHook needs one', async () => {
    const p = payload('on_webhook', 'u-save', { dialogComponentName: 'X' });
    await expect(client.respondToHook(p)).rejects.toMatchObject({ code: BotkitErrorCode.RequestNotFound });
    await client.saveData(p.requestId, p);
    expect(await client.getSavedData(bot, p.requestId)).toEqual(p);
    expect(await client.getSavedData('st-other-bot', p.requestId)).toBeNull();
    const redis = bridge.app.get<Redis>(REDIS);
    const ttl = await redis.ttl(`${env.keyPrefix}:botkit:saved:${bot}:${p.requestId}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600);
    await expect(client.saveData('another-id', p)).rejects.toThrow(BotkitError);
  });

  it('rejects an over-long message before sending anything', async () => {
    const p = { ...payload('on_user_message'), message: 'word '.repeat(700) };
    await expect(client.sendBotMessage(p)).rejects.toMatchObject({ code: BotkitErrorCode.MessageTooLong });
    expect(sim.calls({ fn: 'sendBotMessage' })).toHaveLength(0);
  });

  it('retries a 503 with backoff and gives up on a 400 at once', async () => {
    const p = payload('on_bot_message');
    sim.failNext('sendUserMessage', 503, 2);
    await client.sendUserMessage(p);
    expect(sim.calls({ fn: 'sendUserMessage' }).map((c) => c.status)).toEqual([503, 503, 200]);
    sim.reset();
    sim.failNext('sendUserMessage', 400, 1);
    await expect(client.sendUserMessage(p)).rejects.toMatchObject({ code: BotkitErrorCode.PlatformRejected, status: 400, retryable: false });
    expect(sim.calls({ fn: 'sendUserMessage' })).toHaveLength(1);
  });

  it('times out a call that does not answer, as a retryable typed error', async () => {
    sim.setLatency(1500);
    try {
      await expect(client.sendUserMessage(payload('on_bot_message'), { attempts: 1 })).rejects.toMatchObject({
        code: BotkitErrorCode.Timeout,
        retryable: true,
      });
    } finally {
      sim.setLatency(0);
    }
  });

  it('refuses a payload without the URL a function needs', async () => {
    const p = { ...payload('on_user_message') };
    delete p.sendBotMessageUrl;
    await expect(client.sendBotMessage(p)).rejects.toMatchObject({ code: BotkitErrorCode.InvalidArguments });
  });
});
