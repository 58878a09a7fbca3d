import type { BotkitEventName, BotkitPayload } from '@agent-bridge/botkit';

export interface InboundEvent {
  botId: string;
  componentId: string;
  eventName: BotkitEventName;
  requestId: string;
  /** The visitor key, or BOT_LANE for events without a user. */
  visitor: string;
  receivedAt: number;
  payload: BotkitPayload;
  /** Serialized once by the accepting process, for the lane, the ack and the request context; never stored. */
  payloadJson?: string;
}

export function conversationOf(event: Pick<InboundEvent, 'botId' | 'visitor'>): string {
  return `${event.botId}|${event.visitor}`;
}
