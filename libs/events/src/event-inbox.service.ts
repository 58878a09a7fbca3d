import { Injectable } from '@nestjs/common';
import { conversationOf, type InboundEvent } from './inbound-event';
import { LaneInboxService } from './lane-inbox.service';

export const BOTKIT_LANE = 'botkit';

export interface AcceptResult {
  duplicate: boolean;
}

/** A redelivered event (same bot, event and requestId) is not stored twice. */
@Injectable()
export class EventInboxService {
  constructor(private readonly lanes: LaneInboxService) {}

  accept(event: InboundEvent): Promise<AcceptResult> {
    return this.lanes.accept(BOTKIT_LANE, conversationOf(event), `${event.botId}:${event.eventName}:${event.requestId}`, laneItem(event), event);
  }
}

/** Splices in the payload's JSON when it was serialized already, rather than serializing it again. */
export function laneItem(event: InboundEvent): string {
  if (event.payloadJson === undefined) return JSON.stringify(event);
  const { payload: _payload, payloadJson, ...envelope } = event;
  return `${JSON.stringify(envelope).slice(0, -1)},"payload":${payloadJson}}`;
}
