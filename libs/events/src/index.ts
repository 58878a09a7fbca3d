export { EventsModule, EventsWorkerModule } from './events.module';
export { EventInboxService } from './event-inbox.service';
export type { AcceptResult } from './event-inbox.service';
export { EventRouter } from './event-router';
export { conversationOf } from './inbound-event';
export type { InboundEvent } from './inbound-event';
