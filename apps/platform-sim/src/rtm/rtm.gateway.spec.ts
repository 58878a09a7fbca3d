import { WebSocket } from 'ws';
import { signJwt } from '../../../../libs/botkit/src/auth/jwt';
import { GREETING } from '../bot/scripted-bot.service';
import { actLikeBotkit } from '../testing/botkit-like.fixture';
import { BOT, BOT_512, startHarness, WEB_CLIENT, type Harness } from '../testing/sim-harness.fixture';

/** A socket client that keeps every frame it receives. */
class Client {
  readonly frames: any[] = [];
  private wake: Array<() => void> = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()));
      this.wake.splice(0).forEach((w) => w());
    });
  }

  static open(url: string): Promise<Client> {
    const socket = new WebSocket(url);
    const client = new Client(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.socket.send(JSON.stringify(frame));
  }

  async next(type: string, timeoutMs = 3000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find((f) => f.type === type);
      if (found) {
        this.frames.splice(this.frames.indexOf(found), 1);
        return found;
      }
      if (Date.now() > deadline) throw new Error(`no ${type} frame; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}

const botInfo = { chatBot: BOT.botName, taskBotId: BOT.botId };
const assertion = (claims: Record<string, unknown> = {}, secret = WEB_CLIENT.clientSecret) =>
  signJwt({ iss: WEB_CLIENT.clientId, sub: 'visitor-7', exp: Math.floor(Date.now() / 1000) + 60, ...claims }, secret, 'HS256');

describe('PlatformSim RTM channel', () => {
  let h: Harness;
  const open: Client[] = [];

  const post = (path: string, body: unknown, token?: string) =>
    h.bridge.call(`${h.sim.url}${path}`, { body, headers: token ? { authorization: `bearer ${token}` } : {} });
  const grant = async (claims?: Record<string, unknown>) => {
    const res = await post('/api/1.1/oAuth/token/jwtgrant', { assertion: assertion(claims), botInfo });
    expect(res.status).toBe(200);
    return res.body.authorization.accessToken as string;
  };
  const connect = async (token: string) => {
    const start = await post('/api/1.1/rtm/start', { botInfo }, token);
    expect(start.status).toBe(200);
    const client = await Client.open(start.body.url);
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());
  beforeEach(() => {
    h.sim.reset();
    h.bridge.received.length = 0;
    actLikeBotkit(h.bridge, [BOT, BOT_512]);
  });
  afterEach(() => open.splice(0).forEach((c) => c.close()));

  it('jwtgrant swaps a signed assertion for a bearer token and the user', async () => {
    const res = await post('/api/1.1/oAuth/token/jwtgrant', { assertion: assertion(), botInfo });
    expect(res.status).toBe(200);
    expect(res.body.authorization).toEqual({
      accessToken: expect.any(String),
      token_type: 'bearer',
      expiresDate: expect.any(String),
      issuedDate: expect.any(String),
    });
    expect(Date.parse(res.body.authorization.expiresDate)).toBeGreaterThan(Date.now());
    expect(res.body.userInfo).toMatchObject({ userId: 'visitor-7', identity: `${WEB_CLIENT.clientId}/visitor-7` });
    const byIdentity = await post('/api/1.1/oAuth/token/jwtgrant', { assertion: assertion({ sub: undefined, userIdentity: 'mail@x.io' }), botInfo });
    expect(byIdentity.body.userInfo.userId).toBe('mail@x.io');
  });

  it.each([
    ['another secret', assertion({}, 'wrong-secret')],
    ['another issuer', assertion({ iss: 'cs-other-app' })],
    ['no exp', assertion({ exp: undefined })],
    ['an expired assertion', assertion({ exp: Math.floor(Date.now() / 1000) - 120 })],
    ['no user', assertion({ sub: undefined })],
    ['garbage', 'not.a.jwt'],
  ])('jwtgrant answers 401 for %s', async (_label, bad) => {
    const res = await post('/api/1.1/oAuth/token/jwtgrant', { assertion: bad, botInfo });
    expect(res.status).toBe(401);
  });

  it('jwtgrant answers 400 for an unknown bot or no assertion', async () => {
    expect((await post('/api/1.1/oAuth/token/jwtgrant', { assertion: assertion(), botInfo: { taskBotId: 'st-nope' } })).status).toBe(400);
    expect((await post('/api/1.1/oAuth/token/jwtgrant', { botInfo })).status).toBe(400);
  });

  it('rtm/start needs a bearer token and hands out a socket URL that works once', async () => {
    expect((await post('/api/1.1/rtm/start', { botInfo })).status).toBe(401);
    expect((await post('/api/1.1/rtm/start', { botInfo }, 'made-up')).status).toBe(401);
    const token = await grant();
    const start = await post('/api/1.1/rtm/start', { botInfo }, token);
    expect(start.body).toEqual({ ok: true, url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/rtm\/bot\?key=[\w-]+$/) });
    const first = await Client.open(start.body.url);
    open.push(first);
    await expect(Client.open(start.body.url)).rejects.toThrow(/401/);
    await expect(Client.open(start.body.url.replace(/key=.*/, 'key=guess'))).rejects.toThrow(/401/);
    expect((await post('/api/1.1/rtm/start', { botInfo: { taskBotId: BOT_512.botId } }, token)).status).toBe(400);
  });

  it('a typed message is acked, runs through the bridge, and the reply comes back as bot_response', async () => {
    const client = await connect(await grant());
    client.send({ clientMessageId: 101, message: { body: 'hello', attachments: [] }, resourceid: '/bot.message', botInfo, id: 101 });
    expect(await client.next('ack')).toEqual({ ok: true, replyto: 101, message: 'delivered', type: 'ack' });

    const [userEvent] = await h.bridge.waitForEvents(1, 'on_user_message');
    expect(userEvent!.body).toMatchObject({ message: 'hello', channel: { from: 'visitor-7' } });
    await h.sim.waitForCalls({ fn: 'sendBotMessage', userId: 'visitor-7', status: 200 }, 1);
    const [botEvent] = await h.bridge.waitForEvents(1, 'on_bot_message');
    expect(botEvent!.body.message).toBe(GREETING);

    const reply = await client.next('bot_response');
    expect(reply).toMatchObject({
      type: 'bot_response',
      from: 'bot',
      message: [{ type: 'text', cInfo: { body: GREETING } }],
      botInfo: { taskBotId: BOT.botId },
      icon: '',
    });
    expect(new Date(reply.createdOn).toISOString()).toBe(reply.createdOn);
    expect(h.sim.delivered(BOT.botId, 'visitor-7')).toEqual([GREETING]);
  });

  it('echoes a message to the user’s other sockets only, and sends client events on', async () => {
    const token = await grant();
    const typing = await connect(token);
    const other = await connect(token);
    typing.send({ clientMessageId: 5, message: { body: 'what is up', attachments: [] }, resourceid: '/bot.message', botInfo, id: 5 });
    const echo = await other.next('user_message');
    expect(echo).toMatchObject({ from: 'self', message: { body: 'what is up', attachments: [] }, botInfo: { taskBotId: BOT.botId } });
    await typing.next('bot_response');
    expect(typing.frames.filter((f) => f.type === 'user_message')).toEqual([]);

    typing.send({ resourceid: '/bot.clientEvent', preDefinedEvent: { type: 'TYPING_STARTED' }, customEvent: {}, botInfo, id: 6 });
    expect(await typing.next('ack')).toMatchObject({ replyto: 5 });
    expect(await typing.next('ack')).toMatchObject({ replyto: 6 });
    const [clientEvent] = await h.bridge.waitForEvents(1, 'on_client_event');
    expect(clientEvent!.body.preDefinedEvent).toEqual({ type: 'TYPING_STARTED' });
    expect(await other.next('events')).toMatchObject({ from: 'bot', preDefinedEvent: { type: 'TYPING_STARTED' } });
  });

  it('answers bad frames with ok:false and keeps the socket open', async () => {
    const client = await connect(await grant());
    client.socket.send('{not json');
    client.send({ resourceid: '/bot.message', message: { body: '' }, id: 1 });
    client.send({ resourceid: '/bot.clientEvent', preDefinedEvent: { type: 'DANCING' }, id: 2 });
    client.send({ resourceid: '/bot.unknown', id: 3 });
    client.send({ type: 'ping' });
    await client.next('pong');
    expect(client.frames.filter((f) => f.ok === false).map((f) => f.replyto)).toEqual([undefined, 1, 2, 3]);
    expect(h.bridge.received).toEqual([]);
  });

  it('serves the user’s history at /api/botmessages/rtm with the bearer token', async () => {
    const token = await grant();
    const client = await connect(token);
    client.send({ clientMessageId: 1, message: { body: 'hello', attachments: [] }, resourceid: '/bot.message', botInfo, id: 1 });
    await client.next('bot_response');
    const get = (query: string, bearer?: string) =>
      h.bridge.call(`${h.sim.url}/api/botmessages/rtm?${query}`, { method: 'GET', headers: bearer ? { authorization: `bearer ${bearer}` } : {} });
    expect((await get(`botId=${BOT.botId}`)).status).toBe(401);
    expect((await get('limit=5', token)).status).toBe(400);
    const history = await get(`botId=${BOT.botId}&limit=10`, token);
    expect(history.status).toBe(200);
    expect(history.body.total).toBe(2);
    expect(history.body.messages.map((m: any) => [m.type, m.components[0].data.text])).toEqual([
      ['outgoing', GREETING],
      ['incoming', 'hello'],
    ]);
  });
});
