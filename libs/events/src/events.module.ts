import { Module, type DynamicModule, type ModuleMetadata, type Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ChangeBus } from './change-bus.service';
import { DeadLetterRepository } from './dead-letter.repository';
import { DeadLetterService } from './dead-letter.service';
import { EventInboxService } from './event-inbox.service';
import { EventRouter } from './event-router';
import { LaneInboxService } from './lane-inbox.service';
import { LaneSweeper } from './lane-sweeper.service';
import { BotkitLaneHandler, DrainLaneHandler, SweepLanesHandler } from './lane.handlers';

@Module({
  imports: [DiscoveryModule],
  providers: [LaneInboxService, EventInboxService, DeadLetterRepository, DeadLetterService, ChangeBus],
  exports: [LaneInboxService, EventInboxService, DeadLetterService, ChangeBus],
})
export class EventsModule {}

/** Imported once, through one static module (libs/workers), by every process that runs the engine. */
@Module({})
export class EventsLanesModule {
  static forRoot(options: { imports: ModuleMetadata['imports']; router: Type<EventRouter> }): DynamicModule {
    return {
      module: EventsLanesModule,
      imports: [EventsModule, ...(options.imports ?? [])],
      providers: [BotkitLaneHandler, LaneSweeper, { provide: EventRouter, useExisting: options.router }],
    };
  }
}

@Module({
  imports: [EventsModule],
  providers: [DrainLaneHandler, SweepLanesHandler],
})
export class EventsWorkerModule {}
