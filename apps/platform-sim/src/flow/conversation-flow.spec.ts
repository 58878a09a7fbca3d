import { GREETING } from '../bot/scripted-bot.service';
import { actLikeBotkit, streamUrl, TRANSFER_TEXT } from '../testing/botkit-like.fixture';
import { BOT, BOT_512, startHarness, type Harness } from '../testing/sim-harness.fixture';
import { StandInBridge } from '../testing/stand-in-bridge.fixture';
import { NO_AGENT_TEXT } from './conversation-flow.service';

describe('PlatformSim conversation flow', () => {
  let h: Harness;
  const auth = () => StandInBridge.token(BOT);

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());
  beforeEach(() => {
    h.sim.reset();
    h.bridge.received.length = 0;
    actLikeBotkit(h.bridge, [BOT, BOT_512]);
  });

  it('runs a turn: on_user_message → sendBotMessage → on_bot_message → sendUserMessage → the user', async () => {
    const said = await h.sim.userSays(BOT.botId, 'u-flow', 'hello');
    expect(said.status).toBe(200);
    expect(await h.sim.waitForDelivered(BOT.botId, 'u-flow', 1)).toEqual([GREETING]);
    expect(h.bridge.received.map((e) => e.event)).toEqual(['on_user_message', 'on_bot_message']);
    const [userEvent, botEvent] = h.bridge.received;
    expect(userEvent!.body).toMatchObject({ requestId: said.requestId, message: 'hello', agent_transfer: false });
    expect(botEvent!.body.message).toBe(GREETING);
    expect(botEvent!.body.requestId).not.toBe(said.requestId);
    expect(h.sim.calls().map((c) => c.fn)).toEqual(['sendBotMessage', 'sendUserMessage']);
  });

  it('lets the bridge change the message on its way to the bot', async () => {
    h.bridge.onEvent = async (event) => {
      if (event.event === 'on_user_message') {
        await h.bridge.call(event.body.sendBotMessageUrl, { auth: auth(), body: { ...event.body, message: 'rewritten' } });
        return { status: 200, body: event.body };
      }
      await h.bridge.call(event.body.sendUserMessageUrl, { auth: auth(), body: event.body });
      return { status: 200, body: event.body };
    };
    await h.sim.userSays(BOT.botId, 'u-rewrite', 'original');
    expect(await h.sim.waitForDelivered(BOT.botId, 'u-rewrite', 1)).toEqual(['You said: rewritten']);
  });

  it('waits for the bridge: a turn it never forwards reaches nobody', async () => {
    h.bridge.onEvent = (event) => ({ status: 200, body: event.body });
    await h.sim.userSays(BOT.botId, 'u-silent', 'hello');
    await expect(h.sim.waitForDelivered(BOT.botId, 'u-silent', 1, 200)).rejects.toThrow(/wanted 1 message\(s\).*got 0/);
    expect(h.bridge.events('on_bot_message')).toHaveLength(0);
  });

  describe('tone', () => {
    it.each([
      ['I hate this', { tone_name: 'angry', level: 2, count: 1 }],
      ['This is the worst service!!!', { tone_name: 'angry', level: 3, count: 1 }],
      ['TERRIBLE SUPPORT', { tone_name: 'angry', level: 3, count: 1 }],
    ])('puts the tone of %j on the bot message', async (text, tone) => {
      await h.sim.userSays(BOT.botId, 'u-tone', text);
      const [botEvent] = await h.bridge.waitForEvents(1, 'on_bot_message');
      expect(botEvent!.body.context.message_tone).toEqual([tone]);
      expect(botEvent!.body.context.dialog_tone).toEqual([tone]);
      expect(h.bridge.events('on_user_message')[0]!.body.context.message_tone).toBeUndefined();
    });

    it('carries no tone for a calm message, and an explicit tone when given', async () => {
      await h.sim.userSays(BOT.botId, 'u-calm', 'what time is it');
      const [calm] = await h.bridge.waitForEvents(1, 'on_bot_message');
      expect(calm!.body.context.message_tone).toBeUndefined();
      await h.sim.userSays(BOT.botId, 'u-calm', 'fine', { tone: { name: 'sad', level: -2 } });
      const [, given] = await h.bridge.waitForEvents(2, 'on_bot_message');
      expect(given!.body.context.message_tone).toEqual([{ tone_name: 'sad', level: -2, count: 1 }]);
    });

    it('accumulates dialog_tone over the conversation', async () => {
      await h.sim.userSays(BOT.botId, 'u-acc', 'I hate waiting');
      await h.bridge.waitForEvents(1, 'on_bot_message');
      await h.sim.userSays(BOT.botId, 'u-acc', 'still awful');
      const [, second] = await h.bridge.waitForEvents(2, 'on_bot_message');
      expect(second!.body.context.dialog_tone).toEqual([{ tone_name: 'angry', level: 2, count: 2 }]);
    });
  });

  describe('agent transfer', () => {
    it('fires the Agent Transfer node and toggles agent_transfer with the agent session', async () => {
      await h.sim.userSays(BOT.botId, 'u-agent', 'I want a human please');
      const [transfer] = await h.bridge.waitForEvents(1, 'on_agent_transfer');
      expect(transfer!.path).toBe(`/sdk/bots/${BOT.botId}/components/AgentTransfer/on_agent_transfer`);
      expect(transfer!.body.callbackUrl).toBe(streamUrl(h.sim.url, BOT.botId, 'serviceCallback', transfer!.body.requestId));
      expect(await h.sim.waitForDelivered(BOT.botId, 'u-agent', 1)).toEqual([TRANSFER_TEXT]);
      await h.sim.waitForCalls({ fn: 'startAgentSession', userId: 'u-agent' }, 1);
      expect(h.sim.inAgentSession(BOT.botId, 'u-agent')).toBe(true);
      expect(h.sim.inAgentSession(BOT.botId, 'u-other')).toBe(false);

      await h.sim.userSays(BOT.botId, 'u-agent', 'are you there?');
      const userEvents = await h.bridge.waitForEvents(2, 'on_user_message');
      expect(userEvents[1]!.body.agent_transfer).toBe(true);
      expect(h.sim.calls({ fn: 'sendBotMessage' })).toHaveLength(1);

      // The agent answers on the transfer's request, then closes the chat.
      const agentReply = { ...transfer!.body, message: 'Hi, I am Ann from support' };
      expect((await h.bridge.call(transfer!.body.sendUserMessageUrl, { auth: auth(), body: agentReply })).status).toBe(200);
      const clear = await h.bridge.call(`${transfer!.body.baseUrl}/clearAgentSession/${transfer!.body.requestId}`, { auth: auth(), body: agentReply });
      expect(clear.status).toBe(200);
      expect(h.sim.inAgentSession(BOT.botId, 'u-agent')).toBe(false);
      expect(h.sim.delivered(BOT.botId, 'u-agent')).toEqual([TRANSFER_TEXT, 'Hi, I am Ann from support']);

      await h.sim.userSays(BOT.botId, 'u-agent', 'thanks');
      const afterwards = await h.bridge.waitForEvents(3, 'on_user_message');
      expect(afterwards[2]!.body.agent_transfer).toBe(false);
    });

    it('closeConversationSession ends an agent session too', async () => {
      const sent = await h.sim.sendEvent({ botId: BOT.botId, event: 'on_agent_transfer', userId: 'u-close' });
      const body = h.bridge.received.at(-1)!.body;
      await h.sim.waitForCalls({ fn: 'startAgentSession', requestId: sent.requestId }, 1);
      expect(h.sim.inAgentSession(BOT.botId, 'u-close')).toBe(true);
      expect((await h.bridge.call(body.clearConversationSessionUrl, { auth: auth(), body })).status).toBe(200);
      expect(h.sim.inAgentSession(BOT.botId, 'u-close')).toBe(false);
    });
  });

  describe('webhooks', () => {
    it('completes an async webhook once through serviceCallback, then the bot answers', async () => {
      await h.sim.userSays(BOT.botId, 'u-cab', 'please book a cab');
      const [hook] = await h.bridge.waitForEvents(1, 'on_webhook');
      expect(hook!.path).toBe(`/sdk/bots/${BOT.botId}/components/BookTheCab/on_webhook`);
      expect(hook!.body.dialogComponentName).toBe('BookTheCab');
      expect(h.sim.delivered(BOT.botId, 'u-cab')).toEqual([]);

      const answer = { ...hook!.body, context: { ...hook!.body.context, successful: true, cab: 'KA-01' } };
      const first = await h.bridge.call(hook!.body.callbackUrl, { auth: auth(), body: answer });
      const again = await h.bridge.call(hook!.body.callbackUrl, { auth: auth(), body: answer });
      expect([first.status, again.status]).toEqual([200, 404]);
      expect(h.sim.hookResponses(BOT.botId)).toEqual([{ requestId: hook!.body.requestId, body: answer }]);
      expect(h.sim.hookResponses(BOT_512.botId)).toEqual([]);
      expect(await h.sim.waitForDelivered(BOT.botId, 'u-cab', 1)).toEqual(['BookTheCab finished (successful: true).']);
    });

    it('takes a synchronous webhook answer at once and refuses a later callback', async () => {
      h.bridge.onEvent = async (event) => {
        if (event.event === 'on_webhook') return { status: 200, body: { ...event.body, context: { successful: false } } };
        const url = event.event === 'on_user_message' ? event.body.sendBotMessageUrl : event.body.sendUserMessageUrl;
        await h.bridge.call(url, { auth: auth(), body: event.body });
        return { status: 200, body: event.body };
      };
      await h.sim.userSays(BOT.botId, 'u-sync', 'webhook');
      expect(await h.sim.waitForDelivered(BOT.botId, 'u-sync', 1)).toEqual(['BookTheCab finished (successful: false).']);
      const hook = h.bridge.events('on_webhook')[0]!;
      const late = await h.bridge.call(hook.body.callbackUrl, { auth: auth(), body: { ...hook.body, context: {} } });
      expect(late.status).toBe(404);
    });

    it('refuses serviceCallback for a request that is not a webhook, or without a context', async () => {
      const { requestId } = await h.sim.userSays(BOT.botId, 'u-nohook', 'hello');
      const url = streamUrl(h.sim.url, BOT.botId, 'serviceCallback', requestId);
      expect((await h.bridge.call(url, { auth: auth(), body: { requestId, context: {} } })).status).toBe(404);
      const hook = await h.sim.sendEvent({ botId: BOT.botId, event: 'on_webhook', userId: 'u-nohook' });
      const hookUrl = streamUrl(h.sim.url, BOT.botId, 'serviceCallback', hook.requestId);
      expect(hook.status).toBe(202);
      expect((await h.bridge.call(hookUrl, { auth: auth(), body: { requestId: hook.requestId } })).status).toBe(400);
      expect((await h.bridge.call(hookUrl, { auth: auth(), body: { requestId: hook.requestId, context: { a: 1 } } })).status).toBe(200);
    });
  });

  it('sends typing and read receipts as on_client_event', async () => {
    expect(await h.sim.clientEvent(BOT.botId, 'u-typing', 'MESSAGE_READ', 'ms-42')).toEqual({ status: 200 });
    const [event] = await h.bridge.waitForEvents(1, 'on_client_event');
    expect(event!.body.preDefinedEvent).toEqual({ type: 'MESSAGE_READ', id: 'ms-42' });
    await h.sim.waitForCalls({ fn: 'sendBotEvent', userId: 'u-typing', status: 200 }, 1);
  });

  it('waitForCalls rejects with what it saw', async () => {
    await h.sim.userSays(BOT.botId, 'u-wait', 'hello');
    await h.sim.waitForDelivered(BOT.botId, 'u-wait', 1);
    await expect(h.sim.waitForCalls({ fn: 'startAgentSession' }, 1, 100)).rejects.toThrow(
      /wanted 1 call\(s\) matching \{"fn":"startAgentSession"\}.*saw 0[\s\S]*sendBotMessage POST[\s\S]*sendUserMessage POST/,
    );
  });

  describe('subscriptions', () => {
    let partial: Harness;
    afterEach(() => partial.stop());

    it('without on_bot_message the bot answer goes straight to the user', async () => {
      partial = await startHarness({ subscriptions: ['on_user_message'] });
      actLikeBotkit(partial.bridge, [BOT]);
      await partial.sim.userSays(BOT.botId, 'u-sub', 'hi');
      expect(await partial.sim.waitForDelivered(BOT.botId, 'u-sub', 1)).toEqual([GREETING]);
      expect(partial.bridge.received.map((e) => e.event)).toEqual(['on_user_message']);
    });

    it('with no subscriptions nothing reaches the bridge and the bot still answers', async () => {
      partial = await startHarness({ subscriptions: [] });
      const said = await partial.sim.userSays(BOT.botId, 'u-none', 'get me an agent');
      expect(said.status).toBe(0);
      expect(await partial.sim.waitForDelivered(BOT.botId, 'u-none', 1)).toEqual([NO_AGENT_TEXT]);
      expect(await partial.sim.clientEvent(BOT.botId, 'u-none', 'TYPING_STARTED')).toEqual({ status: 0 });
      expect(partial.bridge.received).toEqual([]);
    });
  });
});
