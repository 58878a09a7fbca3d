import { Injectable } from '@nestjs/common';
import { conversationOf, type InboundEvent } from './inbound-event';
import { LaneInboxService } from './lane-inbox.service';

/** The lane kind of BotKit events: one lane per bot and visitor. */
export const BOTKIT_LANE = 'botkit';

export interface AcceptResult {
  duplicate: boolean;
}

/**
 * The durable hand-over between the platform's request and the processing. Each conversation has
 * a lane, which keeps its events in arrival order while conversations proceed in parallel. A
 * redelivered event (same bot, event and requestId) is not stored twice.
 */
@Injectable()
export class EventInboxService {
  constructor(private readonly lanes: LaneInboxService) {}

  accept(event: InboundEvent): Promise<AcceptResult> {
    return this.lanes.accept(BOTKIT_LANE, conversationOf(event), `${event.botId}:${event.eventName}:${event.requestId}`, laneItem(event), event);
  }
}

/** The event as its lane stores it: the payload's JSON is spliced in when it was serialized already. */
export function laneItem(event: InboundEvent): string {
  if (event.payloadJson === undefined) return JSON.stringify(event);
  const { payload: _payload, payloadJson, ...envelope } = event;
  return `${JSON.stringify(envelope).slice(0, -1)},"payload":${payloadJson}}`;
}
