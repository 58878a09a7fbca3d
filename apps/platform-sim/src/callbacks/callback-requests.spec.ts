import { BOT, BOT_512, startHarness, type Harness } from '../testing/sim-harness.fixture';
import { StandInBridge } from '../testing/stand-in-bridge.fixture';
import { streamUrl } from '../testing/botkit-like.fixture';

describe('PlatformSim callback requests', () => {
  let h: Harness;
  const auth = () => StandInBridge.token(BOT);
  const event = async (userId = 'u-req', eventName = 'on_bot_message', message = 'hi') => {
    const sent = await h.sim.sendEvent({ botId: BOT.botId, event: eventName, userId, message });
    return { requestId: sent.requestId, body: h.bridge.received.at(-1)!.body as Record<string, any> };
  };

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());
  beforeEach(() => {
    h.sim.reset();
    h.bridge.received.length = 0;
    h.bridge.onEvent = (e) => ({ status: 200, body: e.body });
  });

  describe('requestId', () => {
    it('answers 404 "Request not found" for an id the platform never issued', async () => {
      const { body } = await event();
      const url = streamUrl(h.sim.url, BOT.botId, 'sendUserMessage', 'ms-made-up');
      const res = await h.bridge.call(url, { auth: auth(), body: { ...body, requestId: 'ms-made-up' } });
      expect(res).toEqual({ status: 404, body: { errors: [{ msg: 'Request not found', code: 404 }] } });
    });

    it('answers 404 for an id issued for another bot', async () => {
      const sent = await h.sim.sendEvent({ botId: BOT_512.botId, event: 'on_bot_message' });
      const url = streamUrl(h.sim.url, BOT.botId, 'sendUserMessage', sent.requestId);
      const res = await h.bridge.call(url, { auth: auth(), body: { requestId: sent.requestId, message: 'x' } });
      expect(res.status).toBe(404);
    });

    it('answers 404 once the request window has lapsed', async () => {
      const { requestId, body } = await event();
      h.sim.expireRequest(requestId);
      const res = await h.bridge.call(body.sendUserMessageUrl, { auth: auth(), body });
      expect(res.status).toBe(404);
      expect(h.sim.delivered(BOT.botId, 'u-req')).toEqual([]);
    });

    it('answers 400 when the body requestId differs from the URL, or is missing', async () => {
      const { body } = await event();
      const other = await event();
      const mismatch = await h.bridge.call(body.sendUserMessageUrl, { auth: auth(), body: { ...body, requestId: other.requestId } });
      const { requestId: _dropped, ...withoutId } = body;
      const missing = await h.bridge.call(body.sendUserMessageUrl, { auth: auth(), body: withoutId });
      expect([mismatch.status, missing.status]).toEqual([400, 400]);
      expect(mismatch.body.errors[0].msg).toMatch(/requestId/);
    });
  });

  describe('request windows in real time', () => {
    let short: Harness;
    beforeAll(async () => {
      short = await startHarness({ requestTtlSeconds: 0.4 });
    });
    afterAll(() => short.stop());

    it('extendcallid keeps a request open past its first window; an unextended one closes', async () => {
      const kept = await short.sim.sendEvent({ botId: BOT.botId, event: 'on_agent_transfer', userId: 'u-ttl' });
      const keptBody = short.bridge.received.at(-1)!.body;
      const dropped = await short.sim.sendEvent({ botId: BOT.botId, event: 'on_bot_message', userId: 'u-ttl' });
      const droppedBody = short.bridge.received.at(-1)!.body;
      await new Promise((r) => setTimeout(r, 250));
      const extendUrl = streamUrl(short.sim.url, BOT.botId, 'extendcallid', kept.requestId);
      const extended = await short.bridge.call(extendUrl, { auth: auth(), body: keptBody });
      expect(extended.status).toBe(200);
      await new Promise((r) => setTimeout(r, 250));

      const late = await short.bridge.call(droppedBody.sendUserMessageUrl, { auth: auth(), body: droppedBody });
      const still = await short.bridge.call(keptBody.sendUserMessageUrl, { auth: auth(), body: { ...keptBody, message: 'agent here' } });
      expect(late.status).toBe(404);
      expect(still.status).toBe(200);
      expect(short.sim.calls({ fn: 'extendRequestId' })).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 450));
      const expired = await short.bridge.call(extendUrl, { auth: auth(), body: keptBody });
      expect(expired.status).toBe(404);
    });
  });

  describe('bodies', () => {
    it('answers 400 for a body that is not a JSON object', async () => {
      const { body } = await event();
      const url = body.sendUserMessageUrl;
      const text = await h.bridge.call(url, { auth: auth(), rawBody: JSON.stringify(body), headers: { 'content-type': 'text/plain' } });
      const form = await h.bridge.call(url, { auth: auth(), rawBody: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      const broken = await h.bridge.call(url, { auth: auth(), rawBody: '{"requestId":' });
      const array = await h.bridge.call(url, { auth: auth(), body: [body] });
      expect([text.status, form.status, broken.status, array.status]).toEqual([400, 400, 400, 400]);
      expect(h.sim.calls({ fn: 'sendUserMessage' }).map((c) => c.status)).toEqual([400, 400, 400, 400]);
    });

    it('answers 400 for sendBotMessage over the platform limits and accepts one at them', async () => {
      const { body } = await event('u-limits', 'on_user_message');
      const url = body.sendBotMessageUrl;
      const word = 'w'.repeat(1200);
      const atLimit = `${word} ${word} ${'x'.repeat(598)}`;
      expect(atLimit).toHaveLength(3000);
      const tooLong = await h.bridge.call(url, { auth: auth(), body: { ...body, message: `${atLimit}y` } });
      const longWord = await h.bridge.call(url, { auth: auth(), body: { ...body, message: `hi ${'w'.repeat(1201)}` } });
      const ok = await h.bridge.call(url, { auth: auth(), body: { ...body, message: atLimit } });
      expect([tooLong.status, longWord.status, ok.status]).toEqual([400, 400, 200]);
      expect(tooLong.body.errors[0].msg).toMatch(/3000/);
      expect(longWord.body.errors[0].msg).toMatch(/1200/);
    });

    it('answers 400 for a user message with no text, and shows an override instead of message', async () => {
      const { body } = await event('u-text');
      const empty = await h.bridge.call(body.sendUserMessageUrl, { auth: auth(), body: { ...body, message: '' } });
      expect(empty.status).toBe(400);
      const override = { ...body, message: 'plain', overrideMessagePayload: { body: 'from the template', isTemplate: false } };
      expect((await h.bridge.call(body.sendUserMessageUrl, { auth: auth(), body: override })).status).toBe(200);
      expect(h.sim.delivered(BOT.botId, 'u-text')).toEqual(['from the template']);
    });

    it('answers 413 for a body over 2 MB', async () => {
      const { body } = await event();
      const res = await h.bridge.call(body.sendUserMessageUrl, { auth: auth(), body: { ...body, pad: 'p'.repeat(2_100_000) } });
      expect(res.status).toBe(413);
    });

    it('needs feedbackData with name and score for sendFeedbackMessage', async () => {
      const { body } = await event();
      const url = body.sendFeedbackMessageUrl;
      const without = await h.bridge.call(url, { auth: auth(), body });
      const withSurvey = await h.bridge.call(url, { auth: auth(), body: { ...body, feedbackData: { name: 'csat', score: 5 } } });
      expect([without.status, withSurvey.status]).toEqual([400, 200]);
    });
  });

  describe('routes', () => {
    it('answers 404 for an unknown function and 405 for the wrong method', async () => {
      const { requestId, body } = await event();
      const unknown = await h.bridge.call(streamUrl(h.sim.url, BOT.botId, 'sendSmokeSignal', requestId), { auth: auth(), body });
      const wrongMethod = await h.bridge.call(body.sendUserMessageUrl, { method: 'GET', auth: auth() });
      const noRequestId = await h.bridge.call(streamUrl(h.sim.url, BOT.botId, 'sendUserMessage'), { auth: auth(), body });
      expect([unknown.status, wrongMethod.status, noRequestId.status]).toEqual([404, 405, 404]);
      expect(h.sim.calls({ status: 404 }).map((c) => c.fn)).toEqual(['unknown', 'unknown']);
    });

    it('records every call under its SDK function name, with user, headers, body and status', async () => {
      const { requestId, body } = await event('u-names', 'on_alert');
      const post = (action: string, extra: Record<string, unknown> = {}) =>
        h.bridge.call(streamUrl(h.sim.url, BOT.botId, action, requestId), { auth: auth(), body: { ...body, ...extra } });
      await post('sendAlertMessage');
      await post('sendBotEvent');
      await post('skipUserMessage');
      await post('skipBotMessage');
      await post('resetBot');
      await post('clearConversationSession');
      await post('startAgentSession');
      await post('clearAgentSession');
      await post('extendcallid');
      await post('serviceCallback', { context: {} });
      await h.bridge.call(`${body.baseUrl}/getMessages?userId=u-names&skip=0&limit=5`, { method: 'GET', auth: auth() });
      await h.bridge.call(body.getBotVariableUrl, { method: 'GET', auth: auth(), headers: { 'bot-language': 'en' } });
      const calls = h.sim.calls({ botId: BOT.botId });
      expect(calls.map((c) => [c.fn, c.status])).toEqual([
        ['sendAlertMessage', 200],
        ['sendBotEvent', 200],
        ['skipUserMessage', 200],
        ['skipBotMessage', 200],
        ['resetBot', 200],
        ['closeConversationSession', 200],
        ['startAgentSession', 200],
        ['clearAgentSession', 200],
        ['extendRequestId', 200],
        ['respondToHook', 404],
        ['getMessages', 200],
        ['fetchBotVariable', 200],
      ]);
      // getBotVariable names no user: it is per bot and language.
      expect(calls.map((c) => c.userId)).toEqual([...Array(11).fill('u-names'), undefined]);
      expect(calls[0]).toMatchObject({ method: 'POST', requestId, body: expect.objectContaining({ requestId }), query: {} });
      expect(typeof calls[0]!.headers.auth).toBe('string');
      expect(calls[10]).toMatchObject({ method: 'GET', query: { userId: 'u-names', skip: '0', limit: '5' }, requestId: undefined });
      expect(h.sim.delivered(BOT.botId, 'u-names')).toEqual(['hi']);
    });
  });

  describe('getMessages', () => {
    it('returns the history newest first in the platform format, paged by skip and limit', async () => {
      h.bridge.onEvent = (e) => ({ status: 200, body: e.body });
      await h.sim.userSays(BOT.botId, 'u-hist', 'one');
      const { body } = await event('u-hist', 'on_bot_message', 'two');
      await h.bridge.call(body.sendUserMessageUrl, { auth: auth(), body });
      await h.sim.userSays(BOT.botId, 'u-hist', 'three');
      const get = (query: string) => h.bridge.call(`${body.baseUrl}/getMessages?${query}`, { method: 'GET', auth: auth() });

      const all = await get('userId=u-hist&skip=0&limit=10');
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ total: 3, moreAvailable: false });
      expect(all.body.messages.map((m: any) => [m.type, m.components[0].data.text])).toEqual([
        ['incoming', 'three'],
        ['outgoing', 'two'],
        ['incoming', 'one'],
      ]);
      const first = all.body.messages[0];
      expect(first).toMatchObject({
        _id: expect.stringMatching(/^ms-/),
        botId: BOT.botId,
        chnl: 'rtm',
        channels: [{ type: 'rtm' }],
        components: [{ _id: expect.stringMatching(/^cp-/), cT: 'text', data: { text: 'three' } }],
      });
      expect(new Date(first.createdOn).toISOString()).toBe(first.createdOn);
      expect(Date.parse(first.createdOn)).toBeGreaterThanOrEqual(Date.parse(all.body.messages[2].createdOn));

      const page = await get('userId=u-hist&skip=1&limit=1');
      expect(page.body).toMatchObject({ total: 3, moreAvailable: true });
      expect(page.body.messages.map((m: any) => m.components[0].data.text)).toEqual(['two']);
      const defaults = await get('userId=u-hist');
      expect(defaults.body.messages).toHaveLength(3);
      const stranger = await get('userId=u-nobody');
      expect(stranger.body).toEqual({ total: 0, moreAvailable: false, messages: [] });
      const otherChannel = await get('userId=u-hist&channelType=msteams');
      expect(otherChannel.body.total).toBe(0);
    });

    it('answers 400 without a userId or with bad paging', async () => {
      const { body } = await event();
      const get = (query: string) => h.bridge.call(`${body.baseUrl}/getMessages?${query}`, { method: 'GET', auth: auth() });
      expect((await get('skip=0&limit=5')).status).toBe(400);
      expect((await get('userId=u&skip=-1')).status).toBe(400);
      expect((await get('userId=u&limit=ten')).status).toBe(400);
    });
  });

  describe('getBotVariable', () => {
    it('lists the variables of the language in bot-language, and refuses a missing or unknown one', async () => {
      const { body } = await event();
      const get = (headers: Record<string, string>) => h.bridge.call(body.getBotVariableUrl, { method: 'GET', auth: auth(), headers });
      const en = await get({ 'bot-language': 'en' });
      expect(en.status).toBe(200);
      expect(en.body).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'supportHours', value: expect.any(String) })]));
      expect((await get({ 'bot-language': 'de' })).body[0].value).not.toBe(en.body[0].value);
      expect((await get({})).status).toBe(400);
      expect((await get({ 'bot-language': 'fr' })).status).toBe(400);
    });
  });

  describe('fault injection', () => {
    it('failNext answers the next N calls of a function with the status, then recovers', async () => {
      const { body } = await event('u-fault');
      h.sim.failNext('sendUserMessage', 503, 2);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await h.bridge.call(body.sendUserMessageUrl, { auth: auth(), body })).status);
      expect(statuses).toEqual([503, 503, 200]);
      expect(h.sim.delivered(BOT.botId, 'u-fault')).toEqual(['hi']);
      expect(h.sim.calls({ fn: 'sendUserMessage', status: 503 })).toHaveLength(2);
    });

    it('setLatency delays every answer', async () => {
      const { body } = await event();
      h.sim.setLatency(150);
      const started = Date.now();
      await h.bridge.call(body.sendUserMessageUrl, { auth: auth(), body });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      h.sim.setLatency(0);
    });
  });
});
