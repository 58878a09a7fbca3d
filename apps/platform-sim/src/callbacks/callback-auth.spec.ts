import { createHmac } from 'node:crypto';
import { BOT, BOT_512, startHarness, type Harness } from '../testing/sim-harness.fixture';
import { StandInBridge } from '../testing/stand-in-bridge.fixture';

describe('PlatformSim callback auth', () => {
  let h: Harness;
  let requestId: string;
  let url: string;
  let body: Record<string, unknown>;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());
  beforeEach(async () => {
    h.sim.reset();
    const sent = await h.sim.sendEvent({ botId: BOT.botId, event: 'on_bot_message', userId: 'u-auth', message: 'hi' });
    requestId = sent.requestId;
    body = h.bridge.received.at(-1)!.body;
    url = String(body.sendUserMessageUrl);
  });

  const unauthorized = { errors: [{ msg: expect.any(String), code: 401 }] };

  it('accepts a token signed with the bot secret and Client ID', async () => {
    const res = await h.bridge.call(url, { auth: StandInBridge.token(BOT), body });
    expect(res.status).toBe(200);
    expect(h.sim.delivered(BOT.botId, 'u-auth')).toEqual(['hi']);
  });

  it.each([
    ['no auth header', null],
    ['a bad signature', StandInBridge.token(BOT, {}, 'not-the-secret')],
    ['a wrong appId', StandInBridge.token(BOT, { appId: 'cs-someone-else' })],
    ['an expired token', StandInBridge.token(BOT, { exp: Math.floor(Date.now() / 1000) - 5 })],
    ['a token without exp', StandInBridge.token(BOT, { exp: undefined })],
    ['a non-numeric exp', StandInBridge.token(BOT, { exp: String(Math.floor(Date.now() / 1000) + 60) })],
    ['another bot’s credentials', StandInBridge.token(BOT_512, {}, BOT_512.clientSecret)],
    ['a malformed token', 'abc.def'],
  ])('answers 401 for %s, delivers nothing and records the refusal', async (_label, auth) => {
    const res = await h.bridge.call(url, { auth, body });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(unauthorized);
    expect(h.sim.delivered(BOT.botId, 'u-auth')).toEqual([]);
    expect(h.sim.calls({ fn: 'sendUserMessage', requestId })).toEqual([expect.objectContaining({ status: 401, botId: BOT.botId })]);
  });

  it('refuses the token under `token` or `apikey`: the platform reads only `auth`', async () => {
    const viaToken = await h.bridge.call(url, { body, headers: { token: StandInBridge.token(BOT) } });
    const viaApikey = await h.bridge.call(url, { body, headers: { apikey: BOT.clientSecret } });
    expect([viaToken.status, viaApikey.status]).toEqual([401, 401]);
  });

  it('accepts a fractional exp, as stock BotKit sends', async () => {
    const res = await h.bridge.call(url, { auth: StandInBridge.token(BOT, { exp: Date.now() / 1000 + 60.382 }), body });
    expect(res.status).toBe(200);
  });

  it('holds each bot to its own algorithm', async () => {
    const hs512For256 = await h.bridge.call(url, { auth: StandInBridge.token({ ...BOT, jwtAlgorithm: 'HS512' }), body });
    expect(hs512For256.status).toBe(401);

    const sent = await h.sim.sendEvent({ botId: BOT_512.botId, event: 'on_bot_message', userId: 'u-512' });
    const body512 = h.bridge.received.at(-1)!.body;
    expect(body512.requestId).toBe(sent.requestId);
    const hs256For512 = await h.bridge.call(body512.sendUserMessageUrl, { auth: StandInBridge.token({ ...BOT_512, jwtAlgorithm: 'HS256' }), body: body512 });
    expect(hs256For512.status).toBe(401);
    const ok = await h.bridge.call(body512.sendUserMessageUrl, { auth: StandInBridge.token(BOT_512), body: body512 });
    expect(ok.status).toBe(200);
  });

  it('refuses a token whose header names another algorithm, even with a correct HS256 MAC', async () => {
    const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = part({ appId: BOT.clientId, exp: Math.floor(Date.now() / 1000) + 60 });
    for (const alg of ['HS512', 'none']) {
      const head = part({ alg, typ: 'JWT' });
      const mac = createHmac('sha256', BOT.clientSecret).update(`${head}.${claims}`).digest('base64url');
      expect((await h.bridge.call(url, { auth: `${head}.${claims}.${mac}`, body })).status).toBe(401);
    }
  });

  it('answers 404 for a bot it does not host, even with a good token', async () => {
    const other = url.replace(BOT.botId, 'st-not-hosted');
    const res = await h.bridge.call(other, { auth: StandInBridge.token(BOT), body });
    expect(res.status).toBe(404);
    expect(h.sim.calls({ botId: 'st-not-hosted' })).toEqual([expect.objectContaining({ fn: 'sendUserMessage', status: 404 })]);
  });

  it('checks auth on the GET endpoints too', async () => {
    const history = `${body.baseUrl}/getMessages?userId=u-auth`;
    expect((await h.bridge.call(history, { method: 'GET' })).status).toBe(401);
    expect((await h.bridge.call(history, { method: 'GET', auth: StandInBridge.token(BOT) })).status).toBe(200);
    const vars = String(body.getBotVariableUrl);
    const headers = { 'bot-language': 'en' };
    expect((await h.bridge.call(vars, { method: 'GET', headers, auth: StandInBridge.token(BOT, {}, 'nope') })).status).toBe(401);
    expect((await h.bridge.call(vars, { method: 'GET', headers, auth: StandInBridge.token(BOT) })).status).toBe(200);
  });
});
