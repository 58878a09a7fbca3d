import { Module, type DynamicModule, type ModuleMetadata, type Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DeadLetterRepository } from './dead-letter.repository';
import { DeadLetterService } from './dead-letter.service';
import { EventInboxService } from './event-inbox.service';
import { EventRouter } from './event-router';
import { LaneInboxService } from './lane-inbox.service';
import { LaneSweeper } from './lane-sweeper.service';
import { BotkitLaneHandler, DrainLaneHandler, SweepLanesHandler } from './lane.handlers';

/** Producer side: accepting items into their lanes (and draining them here, when this process has the handlers). */
@Module({
  imports: [DiscoveryModule],
  providers: [LaneInboxService, EventInboxService, DeadLetterRepository, DeadLetterService],
  exports: [LaneInboxService, EventInboxService, DeadLetterService],
})
export class EventsModule {}

/**
 * Draining lanes in order, in every process that runs the engine (bridges whatever RUN_WORKERS
 * says, and workers): BotKit events go to the router, and lanes a crashed process held are taken
 * over by the sweep. Import it once, through one static module (see libs/workers).
 */
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

/** BullMQ side: drain jobs (lanes handed over) and the old sweep job. */
@Module({
  imports: [EventsModule],
  providers: [DrainLaneHandler, SweepLanesHandler],
})
export class EventsWorkerModule {}
