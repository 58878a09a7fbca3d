import { Module, type DynamicModule, type ModuleMetadata, type Type } from '@nestjs/common';
import { EventInboxService } from './event-inbox.service';
import { EventRouter } from './event-router';
import { LaneInboxService } from './lane-inbox.service';
import { BotkitLaneHandler, DrainLaneHandler, SweepLanesHandler } from './lane.handlers';

/** Producer side: accepting items into their lanes (and draining them here, when this process has the handlers). */
@Module({
  providers: [LaneInboxService, EventInboxService],
  exports: [LaneInboxService, EventInboxService],
})
export class EventsModule {}

/** Consumer side: draining lanes in order, BotKit events going to the router. */
@Module({})
export class EventsWorkerModule {
  static forRoot(options: { imports: ModuleMetadata['imports']; router: Type<EventRouter> }): DynamicModule {
    return {
      module: EventsWorkerModule,
      imports: [EventsModule, ...(options.imports ?? [])],
      providers: [BotkitLaneHandler, DrainLaneHandler, SweepLanesHandler, { provide: EventRouter, useExisting: options.router }],
    };
  }
}
