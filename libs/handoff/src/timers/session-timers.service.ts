import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { JOBS, QUEUES, jobId, type SessionJob } from '@agent-bridge/queue';

// Timer jobs are cheap and their history is worthless: keep none of it.
const TIMER_OPTS = { removeOnComplete: true, removeOnFail: { count: 1000 } } as const;

/**
 * Per-session timers as BullMQ jobs with deterministic ids, never in-process timers: they survive a
 * restart and fire on whichever instance is up. Keep-alive is a job scheduler; inactivity is one
 * delayed job moved forward on every activity; the queue timeout is cancelled on assignment.
 */
@Injectable()
export class SessionTimersService {
  constructor(
    @InjectQueue(QUEUES.sessions) private readonly queue: Queue<SessionJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async startSession(conversationId: string): Promise<void> {
    const { keepaliveIntervalSeconds, queueTimeoutSeconds } = this.config.handoff;
    const every = keepaliveIntervalSeconds * 1000;
    await Promise.all([
      this.queue.upsertJobScheduler(
        jobId('keepalive', conversationId),
        { every, startDate: Date.now() + every },
        { name: JOBS.keepalive, data: { conversationId }, opts: TIMER_OPTS },
      ),
      this.queue.add(JOBS.queueTimeout, { conversationId }, { ...TIMER_OPTS, jobId: jobId('queue-timeout', conversationId), delay: queueTimeoutSeconds * 1000 }),
      this.touch(conversationId),
    ]);
  }

  /** Activity on either side: the inactivity deadline moves to now + INACTIVITY_TIMEOUT_SECONDS. */
  touch(conversationId: string, delayMs = this.config.handoff.inactivityTimeoutSeconds * 1000): Promise<unknown> {
    return this.queue.add(
      JOBS.inactivityCheck,
      { conversationId },
      { ...TIMER_OPTS, delay: delayMs, deduplication: { id: `inactivity:${conversationId}`, reschedule: true } },
    );
  }

  /**
   * From inside a running inactivity job: its own deduplication key would swallow a plain add,
   * so it is released first and the new deadline becomes the timer.
   */
  async rearmInactivity(conversationId: string, delayMs: number): Promise<void> {
    await this.queue.removeDeduplicationKey(`inactivity:${conversationId}`);
    await this.touch(conversationId, delayMs);
  }

  async assigned(conversationId: string): Promise<void> {
    await this.removeJob(jobId('queue-timeout', conversationId));
  }

  async stopSession(conversationId: string): Promise<void> {
    const inactivity = `inactivity:${conversationId}`;
    const inactivityJob = await this.queue.getDeduplicationJobId(inactivity);
    await Promise.all([
      this.queue.removeJobScheduler(jobId('keepalive', conversationId)),
      this.removeJob(jobId('queue-timeout', conversationId)),
      inactivityJob ? this.removeJob(inactivityJob) : undefined,
      this.queue.removeDeduplicationKey(inactivity),
    ]);
  }

  // A timer job that is running right now (it may be the one ending the session) cannot be removed;
  // that is fine: every timer handler re-reads the session and skips a closed one.
  private async removeJob(id: string): Promise<void> {
    try {
      await this.queue.remove(id);
    } catch (error) {
      if (!/locked/i.test((error as Error).message)) throw error;
    }
  }
}
