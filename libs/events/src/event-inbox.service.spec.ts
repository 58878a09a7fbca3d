import { laneItem } from './event-inbox.service';
import type { InboundEvent } from './inbound-event';

describe('laneItem', () => {
  const payload = {
    __payloadClass: 'OnMessagePayload',
    requestId: 'r-1',
    botId: 'st-1',
    message: 'a "quoted" line\nand a second, with ünïcode and \u2028',
    context: { session: { UserContext: { _id: 'u-1' } }, nested: [1, { deep: null }] },
  } as unknown as InboundEvent['payload'];
  const event: InboundEvent = { botId: 'st-1', componentId: 'default', eventName: 'on_user_message', requestId: 'r-1', visitor: 'u-1', receivedAt: 1764000000000, payload };

  it('splices the serialized payload into the envelope: the item decodes to the event, without payloadJson', () => {
    const item = laneItem({ ...event, payloadJson: JSON.stringify(payload) });
    expect(JSON.parse(item)).toEqual(event);
    expect(item).not.toContain('payloadJson');
  });

  it('serializes the event whole when no payload JSON came with it', () => {
    expect(JSON.parse(laneItem(event))).toEqual(event);
  });

  it('stores the payload JSON it was given, byte for byte', () => {
    const payloadJson = JSON.stringify(payload, null, 1);
    expect(laneItem({ ...event, payloadJson }).endsWith(`"payload":${payloadJson}}`)).toBe(true);
  });
});
