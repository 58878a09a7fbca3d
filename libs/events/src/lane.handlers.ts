import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { JobHandler, JOBS, QUEUES, jobId, type DrainLaneJob, type JobHandlerFor, type SweepLanesJob } from '@agent-bridge/queue';
import { BOTKIT_LANE } from './event-inbox.service';
import { EventRouter } from './event-router';
import type { InboundEvent } from './inbound-event';
import { LaneHandler, type LaneHandlerFor } from './lane-handler.decorator';
import { LaneInboxService } from './lane-inbox.service';

/** BotKit lanes: one per conversation, each event routed in order. */
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

/** A lane's drain as a job: lanes handed over by a stopping process, or with no handler where they were accepted. */
@Injectable()
@JobHandler(JOBS.drainLane)
export class DrainLaneHandler implements JobHandlerFor<typeof JOBS.drainLane> {
  constructor(private readonly lanes: LaneInboxService) {}

  handle(job: Job<DrainLaneJob>): Promise<{ handled: number }> {
    return this.lanes.drainJob(job);
  }
}

/**
 * One sweep as a job. Sweeps run in every process on a timer now (LaneSweeper); this serves the
 * jobs of the scheduler an earlier version kept, which is removed at start.
 */
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
