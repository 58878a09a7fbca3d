import type { BotkitEventName, BotkitPayload } from '@agent-bridge/botkit';

/** An accepted platform event, as it waits in its conversation's inbox. */
export interface InboundEvent {
  botId: string;
  componentId: string;
  eventName: BotkitEventName;
  requestId: string;
  /** The visitor key, or BOT_LANE for events without a user. */
  visitor: string;
  receivedAt: number;
  payload: BotkitPayload;
  /**
   * The payload's JSON, when the process that accepted the event serialized it (once, for the lane,
   * the acknowledgement and the session's request context). Never stored in the lane itself.
   */
  payloadJson?: string;
}

/** The conversation an event belongs to: one ordered lane per bot and visitor. */
export function conversationOf(event: Pick<InboundEvent, 'botId' | 'visitor'>): string {
  return `${event.botId}|${event.visitor}`;
}
