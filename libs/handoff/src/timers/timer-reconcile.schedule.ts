import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { REDIS } from '@agent-bridge/persistence';
import { JOB_OPTIONS, JOBS, QUEUES, jobId, type JobPayloads } from '@agent-bridge/queue';

/** How often the reconcile job runs, and how often each worker process checks that it is still scheduled. */
export const RECONCILE_EVERY_MS = 30_000;
const WATCH_EVERY_MS = 10_000;
const SCHEDULER_ID = jobId('reconcile-timers');

type ReconcileJob = JobPayloads[typeof JOBS.reconcileTimers];

/**
 * Keeps the reconcile job scheduled. The scheduler lives in Redis, so a Redis that lost its data
 * lost it too: every worker process checks for it every few seconds, schedules it again and runs a
 * reconcile at once when it is gone. At start-up it runs one as well.
 */
@Injectable()
export class TimerReconcileSchedule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TimerReconcileSchedule.name);
  private watch?: NodeJS.Timeout;
  private checking = false;

  constructor(
    @InjectQueue(QUEUES.sessions) private readonly queue: Queue<ReconcileJob>,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.schedule('start-up');
    this.watch = setInterval(() => void this.check(), WATCH_EVERY_MS);
    this.watch.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.watch);
  }

  /** One check at a time: with Redis away a check waits for it, and checks must not pile up meanwhile. */
  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      if (!(await this.scheduled())) await this.schedule('its scheduler was missing from Redis');
    } catch (error) {
      this.logger.warn(`reconcile schedule not checked: ${(error as Error).message}`);
    } finally {
      this.checking = false;
    }
  }

  /** The scheduler and its next job both exist (a partial loss may keep one without the other). */
  private async scheduled(): Promise<boolean> {
    const next = await this.redis.zscore(this.queue.keys.repeat, SCHEDULER_ID);
    return next !== null && (await this.redis.exists(this.queue.toKey(`repeat:${SCHEDULER_ID}:${next}`))) === 1;
  }

  private async schedule(why: string): Promise<void> {
    await this.queue.upsertJobScheduler(SCHEDULER_ID, { every: RECONCILE_EVERY_MS }, { name: JOBS.reconcileTimers, data: {}, opts: JOB_OPTIONS[JOBS.reconcileTimers] });
    await this.queue.add(JOBS.reconcileTimers, {}, { ...JOB_OPTIONS[JOBS.reconcileTimers], jobId: jobId('reconcile-timers', 'now') });
    this.logger.log(`timer reconcile scheduled every ${RECONCILE_EVERY_MS / 1000} s and queued now (${why})`);
  }
}
