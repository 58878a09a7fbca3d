import type { InboundEvent } from './inbound-event';

/**
 * What happens to an event once it is acknowledged; the hand-off engine provides it. Throw a
 * retryable error to have the event retried in place (later events of the conversation wait).
 */
export abstract class EventRouter {
  abstract route(event: InboundEvent): Promise<void>;
}
