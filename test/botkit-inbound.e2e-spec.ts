import { Injectable } from '@nestjs/common';
import type { BotCredentials } from '@agent-bridge/config';
import { BOTKIT_EVENTS, signJwt, type BotkitPayload } from '@agent-bridge/botkit';
import { createTestEnvironment, testConfig, TEST_BOT, type TestEnvironment } from '@agent-bridge/testing';
import { DEFAULT_WEBHOOK_HANDLERS, WebhookComponent, type WebhookHandler, type WebhookRequest } from '@agent-bridge/webhooks';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';

const HS512_BOT: { botId: string } & BotCredentials = {
  botId: 'st-12345',
  clientId: 'cs-hs512-app',
  clientSecret: 'another-secret-for-the-hs512-bot',
  jwtAlgorithm: 'HS512',
};

/** A deployment's synchronous Webhook-node handler, registered the documented way. */
@Injectable()
@WebhookComponent('FindNearbyCabs')
class FindNearbyCabsHandler implements WebhookHandler {
  static calls = 0;

  async handle(request: WebhookRequest): Promise<BotkitPayload> {
    FindNearbyCabsHandler.calls++;
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { ...request.payload, context: { ...request.payload.context, cabList: ['Sedan', 'SUV'] } };
  }
}

describe('BotKit inbound contract (platform sandbox -> bridge over HTTP)', () => {
  let env: TestEnvironment;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  const bot = TEST_BOT.botId;

  beforeAll(async () => {
    env = await createTestEnvironment('inbound');
    const config = testConfig(env, { kore: { bots: { [HS512_BOT.botId]: HS512_BOT } } });
    bridge = await startBridge(config, { webhookHandlers: [...DEFAULT_WEBHOOK_HANDLERS, FindNearbyCabsHandler] });
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT), simBot(HS512_BOT.botId, HS512_BOT), simBot('st odd/id?', TEST_BOT)]);
  });

  afterAll(async () => {
    await sim?.stop();
    await bridge?.close();
    await env?.destroy();
  });

  beforeEach(() => sim.reset());

  describe.each(['short', 'component'] as const)('%s route', (route) => {
    it.each(['on_user_message', 'on_bot_message', 'on_event', 'on_alert', 'on_client_event'])(
      '%s: 200 echo of the payload with supportsMessageAck',
      async (event) => {
        const res = await sim.sendEvent({ botId: bot, event, userId: 'u-echo', message: 'hi there', route, componentId: 'dg-1' });
        expect(res.status).toBe(200);
        expect(res.headers.supportsmessageack).toBe('true');
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(res.body).toMatchObject({ requestId: res.requestId, botId: bot, componentId: route === 'short' ? 'default' : 'dg-1' });
        expect(res.body.__payloadClass).toBe(
          { on_event: 'OnEventPayload', on_alert: 'OnAlertPayload', on_client_event: 'OnClientEventPayload' }[event] ?? 'OnMessagePayload',
        );
      },
    );

    it.each(['on_agent_transfer', 'on_variable_update'])('%s: 200 with BotKit\'s wrapper body', async (event) => {
      const res = await sim.sendEvent({ botId: bot, event, userId: 'u-wrap', route });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ headers: { supportsMessageAck: true } });
    });

    it('on_webhook with no handler for the component: 200 with the context unchanged', async () => {
      const res = await sim.sendEvent({
        botId: bot,
        event: 'on_webhook',
        userId: 'u-hook',
        route,
        componentId: 'dg-nobody',
        body: { dialogComponentName: 'Nobody', context: { x: 1 } },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ __payloadClass: 'OnHookPayload', componentName: 'Nobody', context: { x: 1 } });
    });

    it('unknown event: 404 in the BotKit error shape', async () => {
      const res = await sim.sendEvent({ botId: bot, event: 'on_something_else', route });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ errors: [{ msg: 'Event not found', code: 'NOT_FOUND' }] });
    });
  });

  it('covers all eight events', () => {
    expect(BOTKIT_EVENTS).toHaveLength(8);
  });

  describe('default behaviour with no agent session', () => {
    it('relays user messages to the bot and bot messages to the user, as BotKit does', async () => {
      const user = await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-pass', message: 'to the bot' });
      const botMsg = await sim.sendEvent({ botId: bot, event: 'on_bot_message', userId: 'u-pass', message: 'to the user' });
      const [toBot] = await sim.waitForCalls({ fn: 'sendBotMessage', requestId: user.requestId }, 1);
      const [toUser] = await sim.waitForCalls({ fn: 'sendUserMessage', requestId: botMsg.requestId }, 1);
      expect(toBot!.status).toBe(200);
      expect(toBot!.body).toMatchObject({ __payloadClass: 'OnMessagePayload', message: 'to the bot', requestId: user.requestId });
      expect(toUser!.body).toMatchObject({ message: 'to the user', requestId: botMsg.requestId });
    });

    it('passes alerts and client events on, refreshes bot variables, and makes no call for on_event', async () => {
      const alert = await sim.sendEvent({ botId: bot, event: 'on_alert', userId: 'u-other', message: 'alert!' });
      const client = await sim.sendEvent({ botId: bot, event: 'on_client_event', userId: 'u-other', body: { preDefinedEvent: { type: 'TYPING_STARTED' } } });
      await sim.waitForCalls({ fn: 'sendAlertMessage', requestId: alert.requestId }, 1);
      const [event] = await sim.waitForCalls({ fn: 'sendBotEvent', requestId: client.requestId }, 1);
      expect(event!.body).toMatchObject({ preDefinedEvent: { type: 'TYPING_STARTED' } });
      await sim.sendEvent({ botId: bot, event: 'on_event', userId: 'u-other', body: { event: { eventType: 'endDialog' } } });
      await sim.sendEvent({ botId: bot, event: 'on_variable_update', userId: 'u-other', body: { data: { eventType: 'variable_update', language: 'en' } } });
      const [variables] = await sim.waitForCalls({ fn: 'fetchBotVariable' }, 1);
      expect(variables!.headers['bot-language']).toBe('en');
      // A later message in the same conversation is processed after on_event (inbox order), so once it
      // has been relayed, on_event has been handled.
      const marker = await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-other', message: 'marker' });
      await sim.waitForCalls({ fn: 'sendBotMessage', requestId: marker.requestId }, 1);
      expect(sim.calls({ userId: 'u-other' }).map((c) => c.fn).sort()).toEqual(['sendAlertMessage', 'sendBotEvent', 'sendBotMessage']);
    });

    it('keeps one conversation in arrival order', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 25; i++) {
        ids.push((await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-order', message: `m${i}` })).requestId);
      }
      const calls = await sim.waitForCalls({ fn: 'sendBotMessage', userId: 'u-order' }, 25);
      expect(calls.map((c) => c.requestId)).toEqual(ids);
    });

    it('processes a redelivered event once, even when the copies arrive together', async () => {
      const requestId = `redeliver-${Date.now()}`;
      const first = await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-dup', message: 'once', requestId });
      const copies = await Promise.all(
        Array.from({ length: 5 }, () => sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-dup', message: 'once', requestId })),
      );
      expect([first, ...copies].map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
      const marker = await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-dup', message: 'after' });
      await sim.waitForCalls({ fn: 'sendBotMessage', requestId: marker.requestId }, 1);
      expect(sim.calls({ fn: 'sendBotMessage', requestId })).toHaveLength(1);
    });
  });

  describe('authentication', () => {
    it('accepts HS256 for the default app and HS512 for a bot configured with it', async () => {
      expect((await sim.sendEvent({ botId: bot, event: 'on_event', userId: 'u-a' })).status).toBe(200);
      expect((await sim.sendEvent({ botId: HS512_BOT.botId, event: 'on_event', userId: 'u-a' })).status).toBe(200);
    });

    it.each(['expired', 'bad-signature', 'wrong-app', 'wrong-alg', 'none'] as const)('rejects a %s token with 401', async (auth) => {
      const res = await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-denied', auth });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ errors: [{ msg: 'Invalid apikey', code: 4002 }] });
      expect(JSON.parse(String(res.headers['response-error-description']))).toEqual(res.body);
    });

    it('rejects a token without exp, a token signed for another bot, and the legacy apikey by default', async () => {
      const noExp = signJwt({ appId: TEST_BOT.clientId }, TEST_BOT.clientSecret);
      const otherBot = signJwt({ appId: HS512_BOT.clientId, exp: Math.floor(Date.now() / 1000) + 60 }, HS512_BOT.clientSecret, 'HS512');
      for (const auth of [{ token: noExp }, { token: otherBot }, { apikey: TEST_BOT.clientSecret }, { token: 'garbage' }]) {
        expect((await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-denied', auth })).status).toBe(401);
      }
      expect(sim.calls({ userId: 'u-denied' })).toHaveLength(0);
    });

    it('serves any bot id shape without a 500', async () => {
      const res = await sim.sendEvent({ botId: 'st odd/id?', event: 'on_user_message', userId: 'u-odd', message: 'odd' });
      expect(res.status).toBe(200);
      expect(res.body.botId).toBe('st odd/id?');
    });
  });

  describe('bad input', () => {
    const auth = (): Record<string, string> => ({
      'content-type': 'application/json',
      token: signJwt({ appId: TEST_BOT.clientId, exp: Math.floor(Date.now() / 1000) + 60 }, TEST_BOT.clientSecret),
    });

    it('accepts a body of about 1 MB (the context can be that large)', async () => {
      const res = await sim.sendEvent({ botId: bot, event: 'on_event', userId: 'u-big', body: { context: { blob: 'x'.repeat(1000 * 1024) } } });
      expect(res.status).toBe(200);
    });

    it('answers 413 in the error shape for a larger body', async () => {
      const res = await sim.sendRaw(`/sdk/bots/${bot}/on_user_message`, JSON.stringify({ message: 'x'.repeat(1300 * 1024) }), auth());
      expect(res.status).toBe(413);
      expect(res.body.errors[0].code).toBe('PAYLOAD_TOO_LARGE');
    });

    it.each([
      ['malformed JSON', '{"message": ', 400],
      ['a JSON array', '[1,2]', 400],
      ['a non-string requestId', '{"requestId": {"a": 1}}', 400],
    ])('answers %s with a 4xx in the error shape', async (_name, text, status) => {
      const res = await sim.sendRaw(`/sdk/bots/${bot}/on_user_message`, text, auth());
      expect(res.status).toBe(status);
      expect(Array.isArray(res.body.errors)).toBe(true);
    });

    it('answers on_variable_update without data with 400', async () => {
      const res = await sim.sendRaw(`/sdk/bots/${bot}/on_variable_update`, '{"requestId":"v1"}', auth());
      expect(res.status).toBe(400);
    });

    it('answers a body that is not JSON with 400 and checks auth before anything else', async () => {
      const text = await sim.sendRaw(`/sdk/bots/${bot}/on_user_message`, 'message=hi', { ...auth(), 'content-type': 'text/plain' });
      expect(text.status).toBe(400);
      expect(text.body).toEqual({ errors: [{ msg: 'The body must be a JSON object', code: 'BAD_REQUEST' }] });
      expect((await sim.sendRaw(`/sdk/bots/${bot}/on_user_message`, '{"message":"hi"}', { 'content-type': 'application/json' })).status).toBe(401);
    });
  });

  describe('on_webhook', () => {
    it('answers a synchronous handler with 200 and the updated context, once per requestId', async () => {
      FindNearbyCabsHandler.calls = 0;
      const requestId = `hook-${Date.now()}`;
      const input = { botId: bot, event: 'on_webhook', userId: 'u-cab', requestId, body: { dialogComponentName: 'FindNearbyCabs', context: { city: 'Pune' } } };
      const [a, b] = await Promise.all([sim.sendEvent(input), sim.sendEvent(input)]);
      const c = await sim.sendEvent(input);
      for (const res of [a, b, c]) {
        expect(res.status).toBe(200);
        expect(res.body.context).toMatchObject({ city: 'Pune', cabList: ['Sedan', 'SUV'] });
      }
      expect(FindNearbyCabsHandler.calls).toBe(1);
    });

    it('takes the async path: 202 ASYNC_RESPONSE, then respondToHook to the callbackUrl', async () => {
      const res = await sim.sendEvent({
        botId: bot,
        event: 'on_webhook',
        userId: 'u-book',
        componentId: 'BookTheCab',
        route: 'component',
        body: { dialogComponentName: 'BookTheCab', context: { entities: { selectedCab: 'SUV' } } },
      });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ customCode: 'ASYNC_RESPONSE', message: 'AsyncResponse', statusCode: 202 });
      const [callback] = await sim.waitForCalls({ fn: 'respondToHook', requestId: res.requestId }, 1, 10_000);
      expect(callback!.status).toBe(200);
      expect(callback!.body.context).toMatchObject({ successful: true, bookedCab: { cab: 'SUV' } });
    });

    it('refuses the async path without a callbackUrl', async () => {
      const res = await sim.sendEvent({ botId: bot, event: 'on_webhook', userId: 'u-book', body: { dialogComponentName: 'BookTheCab', callbackUrl: null } });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].code).toBe('ASYNC_RESPONSE_NOT_SUPPORTED');
    });
  });
});

describe('BotKit inbound settings', () => {
  let env: TestEnvironment;

  beforeAll(async () => {
    env = await createTestEnvironment('inbound_settings');
  });
  afterAll(() => env?.destroy());

  it('accepts the legacy apikey header only when KORE_ALLOW_APIKEY is on', async () => {
    const bridge = await startBridge(testConfig(env, { kore: { allowApiKey: true } }));
    const sim = await startSim(bridge.url, [simBot(TEST_BOT.botId, TEST_BOT)]);
    try {
      expect((await sim.sendEvent({ botId: TEST_BOT.botId, event: 'on_event', userId: 'u', auth: { apikey: TEST_BOT.clientSecret } })).status).toBe(200);
      expect((await sim.sendEvent({ botId: TEST_BOT.botId, event: 'on_event', userId: 'u', auth: { apikey: 'wrong' } })).status).toBe(401);
    } finally {
      await sim.stop();
      await bridge.close();
    }
  });

  it('serves the routes under API_PREFIX and still authenticates them there', async () => {
    const bridge = await startBridge(testConfig(env, { kore: { apiPrefix: '/botkit' } }));
    const sim = await startSim(`${bridge.url}/botkit`, [simBot(TEST_BOT.botId, TEST_BOT)]);
    try {
      expect((await sim.sendEvent({ botId: TEST_BOT.botId, event: 'on_event', userId: 'u' })).status).toBe(200);
      expect((await sim.sendEvent({ botId: TEST_BOT.botId, event: 'on_event', userId: 'u', auth: 'none' })).status).toBe(401);
      sim.setBridgeUrl(bridge.url);
      expect((await sim.sendEvent({ botId: TEST_BOT.botId, event: 'on_event', userId: 'u' })).status).toBe(404);
    } finally {
      await sim.stop();
      await bridge.close();
    }
  });
});
