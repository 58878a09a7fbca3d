export { EventsModule, EventsWorkerModule } from './events.module';
export { EventInboxService, BOTKIT_LANE } from './event-inbox.service';
export type { AcceptResult } from './event-inbox.service';
export { LaneInboxService, LEASE_MS } from './lane-inbox.service';
export type { LaneHandler, LaneAcceptResult } from './lane-inbox.service';
export { EventRouter } from './event-router';
export { conversationOf } from './inbound-event';
export type { InboundEvent } from './inbound-event';
