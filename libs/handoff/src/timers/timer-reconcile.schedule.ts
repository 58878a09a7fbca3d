import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { REDIS } from '@agent-bridge/persistence';
import { JOB_OPTIONS, JOBS, QUEUES, jobId, type JobPayloads } from '@agent-bridge/queue';

/** How often each worker process checks that the reconcile job is still scheduled. */
const WATCH_EVERY_MS = 10_000;
const SCHEDULER_ID = jobId('reconcile-timers');

type ReconcileJob = JobPayloads[typeof JOBS.reconcileTimers];

/**
 * Keeps the reconcile job scheduled. The scheduler lives in Redis, so a Redis that lost its data
 * lost it too: every worker process checks for it every few seconds, schedules it again and runs a
 * reconcile at once when it is gone. At start-up it runs one as well, and after a reconnect (a
 * restart or a failover, which may have lost the last writes without losing the scheduler).
 * The periodic pass is only the backstop: at 100,000 open sessions one takes tens of seconds.
 */
@Injectable()
export class TimerReconcileSchedule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TimerReconcileSchedule.name);
  private watch?: NodeJS.Timeout;
  private checking = false;
  private readonly reconnected = () => void this.rescheduleQuietly('the Redis connection was re-established');

  constructor(
    @InjectQueue(QUEUES.sessions) private readonly queue: Queue<ReconcileJob>,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.schedule('start-up');
    this.watch = setInterval(() => void this.check(), WATCH_EVERY_MS);
    this.watch.unref();
    // 'ready' comes again after every reconnect; the first one has passed by now.
    this.redis.on('ready', this.reconnected);
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.watch);
    this.redis.off('ready', this.reconnected);
  }

  private async rescheduleQuietly(why: string): Promise<void> {
    try {
      await this.schedule(why);
    } catch (error) {
      this.logger.warn(`reconcile not queued after a reconnect: ${(error as Error).message}`);
    }
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
    const every = this.config.handoff.reconcileIntervalSeconds * 1000;
    await this.queue.upsertJobScheduler(SCHEDULER_ID, { every }, { name: JOBS.reconcileTimers, data: {}, opts: JOB_OPTIONS[JOBS.reconcileTimers] });
    await this.queue.add(JOBS.reconcileTimers, {}, { ...JOB_OPTIONS[JOBS.reconcileTimers], jobId: jobId('reconcile-timers', 'now') });
    this.logger.log(`timer reconcile scheduled every ${every / 1000} s and queued now (${why})`);
  }
}
