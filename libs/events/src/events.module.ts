import { Module, type DynamicModule, type ModuleMetadata, type Type } from '@nestjs/common';
import { DrainConversationHandler } from './drain-conversation.handler';
import { EventInboxService } from './event-inbox.service';
import { EventRouter } from './event-router';

/** Producer side: accepting events into their conversation's inbox. */
@Module({
  providers: [EventInboxService],
  exports: [EventInboxService],
})
export class EventsModule {}

/** Consumer side: draining inboxes in order and handing each event to the router. */
@Module({})
export class EventsWorkerModule {
  static forRoot(options: { imports: ModuleMetadata['imports']; router: Type<EventRouter> }): DynamicModule {
    return {
      module: EventsWorkerModule,
      imports: [EventsModule, ...(options.imports ?? [])],
      providers: [DrainConversationHandler, { provide: EventRouter, useExisting: options.router }],
    };
  }
}
