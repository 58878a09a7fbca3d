import type { InboundEvent } from './inbound-event';

/** A lane item given up: its dead-letter record and why (a code, never a message). */
export interface DeadLetterNotice {
  id: string;
  code: string;
}

/**
 * What happens to an event once it is acknowledged; the hand-off engine provides it. Throw to have
 * the event retried in place (later events of the conversation wait; see lane-failure.ts).
 */
export abstract class EventRouter {
  abstract route(event: InboundEvent): Promise<void>;

  /** The event was dead-lettered (its conversation moved on without it): tell whoever waited for it. */
  abstract deadLettered(event: InboundEvent, deadLetter: DeadLetterNotice): Promise<void>;
}
