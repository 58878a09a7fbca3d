import type { InboundEvent } from './inbound-event';

/** A code, never a message. */
export interface DeadLetterNotice {
  id: string;
  code: string;
}

/** Throw to have the event retried in place: later events of the conversation wait (lane-failure.ts). */
export abstract class EventRouter {
  abstract route(event: InboundEvent): Promise<void>;

  abstract deadLettered(event: InboundEvent, deadLetter: DeadLetterNotice): Promise<void>;
}
