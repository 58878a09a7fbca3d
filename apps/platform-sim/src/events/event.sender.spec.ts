// The bridge's verifier, by path (the lib's index loads ESM-only Nest): the sim's tokens must pass it.
import { verifyJwt } from '../../../../libs/botkit/src/auth/jwt';
import { BOT, BOT_512, startHarness, type Harness } from '../testing/sim-harness.fixture';
import { StandInBridge } from '../testing/stand-in-bridge.fixture';

describe('PlatformSim events to the bridge', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());
  beforeEach(() => {
    h.bridge.received.length = 0;
    h.bridge.onEvent = (event) => ({ status: 200, body: event.body });
  });

  it('posts on_user_message signed as the platform does, with the documented body and URLs', async () => {
    const result = await h.sim.sendEvent({ botId: BOT.botId, event: 'on_user_message', userId: 'u-ann', message: 'hi there' });
    expect(result.status).toBe(200);
    const [event] = await h.bridge.waitForEvents(1);
    expect(event!.path).toBe(`/sdk/bots/${BOT.botId}/on_user_message`);
    expect(event!.headers['content-type']).toBe('application/json');

    const claims = verifyJwt(String(event!.headers.token), BOT.clientSecret, { algorithm: 'HS256', leewaySeconds: 0 });
    expect(claims.appId).toBe(BOT.clientId);
    expect(Number.isInteger(claims.exp)).toBe(true);
    expect(claims.exp! - Date.now() / 1000).toBeGreaterThan(50);
    expect(claims.exp! - Date.now() / 1000).toBeLessThanOrEqual(61);

    const body = event!.body;
    const requestId = result.requestId;
    expect(requestId).toMatch(/^ms-[0-9a-f-]{36}$/);
    expect(body.requestId).toBe(requestId);
    expect(body.message).toBe('hi there');
    expect(body.agent_transfer).toBe(false);
    expect(body.channel).toMatchObject({ type: 'rtm', from: 'u-ann', botLanguage: 'en', channelInfos: { from: 'u-ann', type: 'rtm' } });
    expect(body.context).toMatchObject({
      botid: BOT.botId,
      history: [],
      currentTags: { tags: [] },
      session: { UserContext: { _id: 'u-ann' }, opts: { userId: 'u-ann', streamId: BOT.botId } },
    });
    expect(body.context.session.UserContext).toEqual(
      expect.objectContaining({ firstName: expect.any(String), lastName: expect.any(String), emailId: expect.stringContaining('@') }),
    );
    expect(body.context.message_tone).toBeUndefined();
    const baseUrl = `${h.sim.url}/api/botsdk/stream/${BOT.botId}`;
    expect(body).toMatchObject({
      baseUrl,
      sendUserMessageUrl: `${baseUrl}/sendUserMessage/${requestId}`,
      sendBotMessageUrl: `${baseUrl}/sendBotMessage/${requestId}`,
      skipUserMessageUrl: `${baseUrl}/skipUserMessage/${requestId}`,
      skipBotMessageUrl: `${baseUrl}/skipBotMessage/${requestId}`,
      resetBotUrl: `${baseUrl}/resetBot/${requestId}`,
      clearConversationSessionUrl: `${baseUrl}/clearConversationSession/${requestId}`,
      getBotVariableUrl: `${baseUrl}/getBotVariable`,
      sendFeedbackMessageUrl: `${baseUrl}/sendFeedbackMessage/${requestId}`,
    });
    expect(body.callbackUrl).toBeUndefined();
  });

  it('gives every event a fresh requestId', async () => {
    const a = await h.sim.sendEvent({ botId: BOT.botId, event: 'on_user_message' });
    const b = await h.sim.sendEvent({ botId: BOT.botId, event: 'on_user_message' });
    expect(a.requestId).not.toBe(b.requestId);
  });

  it('adds the per-event fields', async () => {
    const hook = await h.sim.sendEvent({ botId: BOT.botId, event: 'on_webhook', componentId: 'FindCabs' });
    const alert = await h.sim.sendEvent({ botId: BOT.botId, event: 'on_alert' });
    const transfer = await h.sim.sendEvent({ botId: BOT.botId, event: 'on_agent_transfer' });
    await h.sim.sendEvent({ botId: BOT.botId, event: 'on_event' });
    await h.sim.sendEvent({ botId: BOT.botId, event: 'on_variable_update' });
    const client = await h.sim.sendEvent({ botId: BOT.botId, event: 'on_client_event' });
    const byName = Object.fromEntries(h.bridge.received.map((e) => [e.event, e]));
    const base = `${h.sim.url}/api/botsdk/stream/${BOT.botId}`;

    expect(byName.on_webhook!.path).toBe(`/sdk/bots/${BOT.botId}/components/FindCabs/on_webhook`);
    expect(byName.on_webhook!.body).toMatchObject({
      dialogComponentName: 'FindCabs',
      contextId: expect.any(String),
      callbackUrl: `${base}/serviceCallback/${hook.requestId}`,
    });
    expect(byName.on_alert!.body.sendAlertMessageUrl).toBe(`${base}/sendAlertMessage/${alert.requestId}`);
    expect(byName.on_agent_transfer!.body.callbackUrl).toBe(`${base}/serviceCallback/${transfer.requestId}`);
    expect(byName.on_event!.body.event).toEqual({ eventType: 'endDialog' });
    expect(byName.on_variable_update!.body.data).toEqual({ eventType: 'variable_update', variable: {}, language: 'en' });
    expect(byName.on_client_event!.body).toMatchObject({
      sendBotEventUrl: `${base}/sendBotEvent/${client.requestId}`,
      preDefinedEvent: { type: 'TYPING_STARTED' },
      botInfo: { chatBot: BOT.botName, taskBotId: BOT.botId },
    });
  });

  it('carries a tone as message_tone and dialog_tone arrays', async () => {
    await h.sim.sendEvent({ botId: BOT.botId, event: 'on_bot_message', tone: { name: 'angry', level: 3 } });
    const [event] = await h.bridge.waitForEvents(1);
    expect(event!.body.context.message_tone).toEqual([{ tone_name: 'angry', level: 3, count: 1 }]);
    expect(event!.body.context.dialog_tone).toEqual([{ tone_name: 'angry', level: 3, count: 1 }]);
  });

  it('uses the component route when asked, and the short one by default', async () => {
    await h.sim.sendEvent({ botId: BOT.botId, event: 'on_user_message', route: 'component', componentId: 'dg-1' });
    await h.sim.sendEvent({ botId: BOT.botId, event: 'on_agent_transfer' });
    expect(h.bridge.received.map((e) => e.path)).toEqual([
      `/sdk/bots/${BOT.botId}/components/dg-1/on_user_message`,
      `/sdk/bots/${BOT.botId}/on_agent_transfer`,
    ]);
  });

  it('deep-merges a body override and removes fields set to undefined', async () => {
    await h.sim.sendEvent({
      botId: BOT.botId,
      event: 'on_user_message',
      body: { channel: { botLanguage: 'de' }, context: { session: { UserContext: { firstName: 'Ann' } } }, baseUrl: undefined },
    });
    const [event] = await h.bridge.waitForEvents(1);
    expect(event!.body.channel).toMatchObject({ botLanguage: 'de', from: 'u-sandbox-user', type: 'rtm' });
    expect(event!.body.context.session.UserContext).toMatchObject({ firstName: 'Ann', _id: 'u-sandbox-user' });
    expect('baseUrl' in event!.body).toBe(false);
  });

  it('sends unknown event names as they are, and returns what the bridge answered', async () => {
    h.bridge.onEvent = () => ({ status: 404, body: { errors: [{ msg: 'Event not found', code: 'NOT_FOUND' }] } });
    const result = await h.sim.sendEvent({ botId: BOT.botId, event: 'on_nonsense' });
    expect(result.status).toBe(404);
    expect(result.body.errors[0].code).toBe('NOT_FOUND');
    expect(JSON.parse(result.rawBody)).toEqual(result.body);
    expect(h.bridge.received[0]!.path).toBe(`/sdk/bots/${BOT.botId}/on_nonsense`);
  });

  describe('auth variants', () => {
    const send = async (auth: Parameters<typeof h.sim.sendEvent>[0]['auth'], botId = BOT.botId) => {
      h.bridge.received.length = 0;
      await h.sim.sendEvent({ botId, event: 'on_user_message', auth });
      return h.bridge.received[0]!.headers;
    };
    const verify = (token: unknown, bot = BOT) =>
      verifyJwt(String(token), bot.clientSecret, { algorithm: bot.jwtAlgorithm ?? 'HS256', leewaySeconds: 0 });

    it('expired: a correctly signed token whose exp is well past', async () => {
      const headers = await send('expired');
      expect(() => verify(headers.token)).toThrow(expect.objectContaining({ reason: 'expired' }));
      const claims = verifyJwt(String(headers.token), BOT.clientSecret, { algorithm: 'HS256', leewaySeconds: 10_000 });
      expect(claims.exp).toBeLessThan(Date.now() / 1000 - 300);
    });

    it('bad-signature: signed with another secret', async () => {
      const headers = await send('bad-signature');
      expect(() => verify(headers.token)).toThrow(expect.objectContaining({ reason: 'signature' }));
    });

    it('wrong-app: a valid signature over another appId', async () => {
      const headers = await send('wrong-app');
      expect(verify(headers.token).appId).not.toBe(BOT.clientId);
    });

    it('wrong-alg: HS512 for an HS256 bot and HS256 for an HS512 bot', async () => {
      const to256 = await send('wrong-alg');
      expect(() => verify(to256.token)).toThrow(expect.objectContaining({ reason: 'algorithm' }));
      expect(verifyJwt(String(to256.token), BOT.clientSecret, { algorithm: 'HS512' }).appId).toBe(BOT.clientId);
      const to512 = await send('wrong-alg', BOT_512.botId);
      expect(() => verify(to512.token, BOT_512)).toThrow(expect.objectContaining({ reason: 'algorithm' }));
    });

    it('valid for an HS512 bot is signed HS512', async () => {
      const headers = await send('valid', BOT_512.botId);
      expect(verify(headers.token, BOT_512).appId).toBe(BOT_512.clientId);
    });

    it('none, raw token and legacy apikey', async () => {
      const none = await send('none');
      expect(none.token).toBeUndefined();
      expect(none.apikey).toBeUndefined();
      expect((await send({ token: 'not-a-jwt' })).token).toBe('not-a-jwt');
      const legacy = await send({ apikey: BOT.clientSecret });
      expect(legacy.apikey).toBe(BOT.clientSecret);
      expect(legacy.token).toBeUndefined();
    });
  });

  it('sendRaw posts bytes and headers exactly as given', async () => {
    const big = 'x'.repeat(200_000);
    const result = await h.sim.sendRaw(`/sdk/bots/${BOT.botId}/on_user_message`, big, { 'content-type': 'text/plain', ...{ token: 't' } });
    expect(result.status).toBe(200);
    const [event] = await h.bridge.waitForEvents(1);
    expect(event!.body).toBe(big);
    expect(event!.headers['content-type']).toBe('text/plain');
    expect(event!.headers.token).toBe('t');
  });

  it('buildEvent issues a requestId the callbacks accept, without sending anything', async () => {
    const { requestId, body } = h.sim.buildEvent({ botId: BOT.botId, event: 'on_user_message', userId: 'u-built' });
    expect(body.requestId).toBe(requestId);
    expect(h.bridge.received).toHaveLength(0);
    const token = StandInBridge.token(BOT);
    const res = await h.bridge.call(String(body.sendUserMessageUrl), { auth: token, body: { ...body, message: 'hello' } });
    expect(res.status).toBe(200);
    expect(h.sim.delivered(BOT.botId, 'u-built')).toEqual(['hello']);
  });

  it('refuses to build an event for a bot it does not host', () => {
    expect(() => h.sim.buildEvent({ botId: 'st-unknown', event: 'on_user_message' })).toThrow(/no bot st-unknown/);
  });
});
