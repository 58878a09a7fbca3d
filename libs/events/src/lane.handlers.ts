import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { JobHandler, JOBS, QUEUES, jobId, type DrainLaneJob, type JobHandlerFor, type SweepLanesJob } from '@agent-bridge/queue';
import { BOTKIT_LANE } from './event-inbox.service';
import { EventRouter } from './event-router';
import type { InboundEvent } from './inbound-event';
import { LaneHandler, type LaneHandlerFor } from './lane-handler.decorator';
import { LaneInboxService } from './lane-inbox.service';

@Injectable()
@LaneHandler(BOTKIT_LANE)
export class BotkitLaneHandler implements LaneHandlerFor {
  constructor(private readonly router: EventRouter) {}

  handle(item: string, decoded?: unknown): Promise<void> {
    return this.router.route((decoded ?? JSON.parse(item)) as InboundEvent);
  }

  async onDeadLetter(item: string, decoded: unknown, deadLetter: { id: string; code: string }): Promise<void> {
    let event: InboundEvent;
    try {
      event = (decoded ?? JSON.parse(item)) as InboundEvent;
    } catch {
      return; // not even an event: nobody to tell
    }
    await this.router.deadLettered(event, deadLetter);
  }
}

@Injectable()
@JobHandler(JOBS.drainLane)
export class DrainLaneHandler implements JobHandlerFor<typeof JOBS.drainLane> {
  constructor(private readonly lanes: LaneInboxService) {}

  handle(job: Job<DrainLaneJob>): Promise<{ handled: number }> {
    return this.lanes.drainJob(job);
  }
}

/** Sweeps run on a timer (LaneSweeper); this serves jobs a leftover scheduler still queues, and removes it. */
@Injectable()
@JobHandler(JOBS.sweepLanes)
export class SweepLanesHandler implements JobHandlerFor<typeof JOBS.sweepLanes>, OnApplicationBootstrap {
  private readonly logger = new Logger(SweepLanesHandler.name);

  constructor(
    private readonly lanes: LaneInboxService,
    @InjectQueue(QUEUES.events) private readonly queue: Queue<SweepLanesJob>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.removeJobScheduler(jobId('sweep-lanes')).catch((error: unknown) => {
      this.logger.warn(`old lane sweep scheduler not removed: ${(error as Error).message}`);
    });
  }

  async handle(): Promise<{ handed: number }> {
    return { handed: await this.lanes.sweep() };
  }
}
