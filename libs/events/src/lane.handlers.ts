import { Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { JobHandler, JOBS, QUEUES, jobId, type DrainLaneJob, type JobHandlerFor, type SweepLanesJob } from '@agent-bridge/queue';
import { BOTKIT_LANE } from './event-inbox.service';
import { EventRouter } from './event-router';
import type { InboundEvent } from './inbound-event';
import { LaneInboxService } from './lane-inbox.service';

/** BotKit lanes are drained by the router, one event at a time, in order. */
@Injectable()
export class BotkitLaneHandler implements OnModuleInit {
  constructor(
    private readonly lanes: LaneInboxService,
    private readonly router: EventRouter,
  ) {}

  onModuleInit(): void {
    this.lanes.register(BOTKIT_LANE, (item, decoded) => this.router.route((decoded ?? JSON.parse(item)) as InboundEvent));
  }
}

/** A lane's drain as a job: retries with backoff, and lanes no receiving process could drain. */
@Injectable()
@JobHandler(JOBS.drainLane)
export class DrainLaneHandler implements JobHandlerFor<typeof JOBS.drainLane> {
  constructor(private readonly lanes: LaneInboxService) {}

  handle(job: Job<DrainLaneJob>): Promise<{ handled: number }> {
    return this.lanes.drainJob(job);
  }
}

/** How often lanes left without a holder (a crashed process) are looked for. */
const SWEEP_EVERY_MS = 10_000;

/** Finds lanes with items and no holder, and hands them to drain jobs; scheduled once per deployment. */
@Injectable()
@JobHandler(JOBS.sweepLanes)
export class SweepLanesHandler implements JobHandlerFor<typeof JOBS.sweepLanes>, OnApplicationBootstrap {
  constructor(
    private readonly lanes: LaneInboxService,
    @InjectQueue(QUEUES.events) private readonly queue: Queue<SweepLanesJob>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(jobId('sweep-lanes'), { every: SWEEP_EVERY_MS }, {
      name: JOBS.sweepLanes,
      data: {},
      opts: { removeOnComplete: true, removeOnFail: { count: 100 } },
    });
  }

  async handle(): Promise<{ handed: number }> {
    return { handed: await this.lanes.sweep() };
  }
}
