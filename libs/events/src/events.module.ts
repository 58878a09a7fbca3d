import { Module } from '@nestjs/common';
import { BotkitModule } from '@agent-bridge/botkit';
import { DrainConversationHandler } from './drain-conversation.handler';
import { EventInboxService } from './event-inbox.service';
import { EventRouterService } from './event-router.service';

/** Producer side: accepting events into their conversation's inbox. */
@Module({
  providers: [EventInboxService],
  exports: [EventInboxService],
})
export class EventsModule {}

/** Consumer side: draining inboxes and routing each event. */
@Module({
  imports: [EventsModule, BotkitModule],
  providers: [DrainConversationHandler, EventRouterService],
})
export class EventsWorkerModule {}
