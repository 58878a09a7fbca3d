import { toBotkitPayload } from './botkit-payload';

const body = {
  requestId: 'r1',
  message: 'hello',
  channel: { type: 'rtm', from: 'u-1' },
  context: { session: { UserContext: { _id: 'u-1' } } },
  baseUrl: 'http://p/api/botsdk/stream/st-1',
  sendUserMessageUrl: 'http://p/u',
  sendBotMessageUrl: 'http://p/b',
  callbackUrl: 'http://p/cb',
  dialogComponentName: 'Node1',
  contextId: 'c1',
  data: { eventType: 'variable_update', variable: { a: 1 }, language: 'en' },
  event: { eventType: 'endDialog' },
  unknownField: 'dropped',
};

const make = (eventName: Parameters<typeof toBotkitPayload>[0]['eventName']) =>
  toBotkitPayload({ eventName, requestId: 'r1', botId: 'st-1', componentId: 'default', body });

describe('toBotkitPayload (BotKit toJSON shapes)', () => {
  it('OnMessagePayload keeps its keys in order, with ackMessage and agent_transfer defaults', () => {
    const p = make('on_user_message');
    expect(Object.keys(p)).toEqual([
      '__payloadClass', 'requestId', 'botId', 'componentId', 'sendUserMessageUrl', 'sendBotMessageUrl',
      'context', 'channel', 'message', 'agent_transfer', 'baseUrl', 'ackMessage',
    ]);
    expect(p).toMatchObject({ __payloadClass: 'OnMessagePayload', agent_transfer: false, ackMessage: true, message: 'hello' });
    expect(p).not.toHaveProperty('unknownField');
  });

  it('OnAgentTransferPayload has no componentId and does not copy the inbound message', () => {
    const p = make('on_agent_transfer');
    expect(p.__payloadClass).toBe('OnAgentTransferPayload');
    expect(p).not.toHaveProperty('message');
    expect(p).not.toHaveProperty('componentId');
    expect(p.callbackUrl).toBe('http://p/cb');
  });

  it('OnHookPayload takes componentName from dialogComponentName and has no baseUrl', () => {
    const p = make('on_webhook');
    expect(p).toMatchObject({ __payloadClass: 'OnHookPayload', componentName: 'Node1', contextId: 'c1' });
    expect(p).not.toHaveProperty('baseUrl');
  });

  it('OnVariableUpdate lifts variable, eventType and language out of data', () => {
    expect(make('on_variable_update')).toMatchObject({ variable: { a: 1 }, eventType: 'variable_update', language: 'en' });
  });

  it('OnEventPayload carries the event without ackMessage; OnAlertPayload has no agent_transfer', () => {
    const event = make('on_event');
    expect(event.event).toEqual({ eventType: 'endDialog' });
    expect(event).not.toHaveProperty('ackMessage');
    expect(make('on_alert')).not.toHaveProperty('agent_transfer');
  });

  it('keeps an inbound agent_transfer true', () => {
    const p = toBotkitPayload({ eventName: 'on_user_message', requestId: 'r', botId: 'b', componentId: 'default', body: { agent_transfer: true } });
    expect(p.agent_transfer).toBe(true);
  });
});
