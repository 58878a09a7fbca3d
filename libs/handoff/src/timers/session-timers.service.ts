import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { JOB_OPTIONS, JOBS, QUEUES, jobId, type SessionJob } from '@agent-bridge/queue';

// Timer jobs are cheap and their history is worthless: keep none of it.

/** Where each timer of a session lives in the sessions queue (the reconciler looks for them there). */
export const timerKeys = {
  keepalive: (conversationId: string): string => jobId('keepalive', conversationId),
  queueTimeout: (conversationId: string): string => jobId('queue-timeout', conversationId),
  inactivity: (conversationId: string): string => `inactivity:${conversationId}`,
};

/** A timer job lost with Redis's data, to be added again with what is left of its delay. */
export interface LostTimer {
  kind: 'inactivity' | 'queue-timeout';
  conversationId: string;
  delayMs: number;
}

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
        timerKeys.keepalive(conversationId),
        { every, startDate: Date.now() + every },
        { name: JOBS.keepalive, data: { conversationId }, opts: JOB_OPTIONS[JOBS.keepalive] },
      ),
      this.startQueueTimeout(conversationId, queueTimeoutSeconds * 1000),
      this.touch(conversationId),
    ]);
  }

  /** Back in the queue (the agent left): the wait is limited again, from now. */
  async requeued(conversationId: string): Promise<void> {
    await this.startQueueTimeout(conversationId, this.config.handoff.queueTimeoutSeconds * 1000);
  }

  private startQueueTimeout(conversationId: string, delayMs: number): Promise<unknown> {
    return this.queue.add(JOBS.queueTimeout, { conversationId }, { ...JOB_OPTIONS[JOBS.queueTimeout], jobId: timerKeys.queueTimeout(conversationId), delay: delayMs });
  }

  /**
   * A keep-alive lost with Redis's data. Its first run falls at `firstInMs` (the reconciler spreads
   * them over one interval, so that thousands restored at once do not all extend together).
   */
  async restoreKeepalive(conversationId: string, firstInMs: number): Promise<void> {
    const every = this.config.handoff.keepaliveIntervalSeconds * 1000;
    await this.queue.upsertJobScheduler(
      timerKeys.keepalive(conversationId),
      { every, startDate: Date.now() + firstInMs },
      { name: JOBS.keepalive, data: { conversationId }, opts: JOB_OPTIONS[JOBS.keepalive] },
    );
  }

  /**
   * Inactivity and queue-timeout jobs lost with Redis's data, in one round trip. The inactivity job
   * is added without `reschedule`: a deadline that activity set in the meantime stays where it is.
   */
  async restoreJobs(lost: LostTimer[]): Promise<void> {
    if (lost.length === 0) return;
    await this.queue.addBulk(lost.map(({ kind, conversationId, delayMs }) => kind === 'inactivity'
      ? { name: JOBS.inactivityCheck, data: { conversationId }, opts: { ...JOB_OPTIONS[JOBS.inactivityCheck], delay: delayMs, deduplication: { id: timerKeys.inactivity(conversationId) } } }
      : { name: JOBS.queueTimeout, data: { conversationId }, opts: { ...JOB_OPTIONS[JOBS.queueTimeout], delay: delayMs, jobId: timerKeys.queueTimeout(conversationId) } }));
  }

  /** Activity on either side: the inactivity deadline moves to now + INACTIVITY_TIMEOUT_SECONDS. */
  touch(conversationId: string, delayMs = this.config.handoff.inactivityTimeoutSeconds * 1000): Promise<unknown> {
    return this.queue.add(
      JOBS.inactivityCheck,
      { conversationId },
      { ...JOB_OPTIONS[JOBS.inactivityCheck], delay: delayMs, deduplication: { id: timerKeys.inactivity(conversationId), reschedule: true } },
    );
  }

  /**
   * From inside a running inactivity job: its own deduplication key would swallow a plain add,
   * so it is released first and the new deadline becomes the timer.
   */
  async rearmInactivity(conversationId: string, delayMs: number): Promise<void> {
    await this.queue.removeDeduplicationKey(timerKeys.inactivity(conversationId));
    await this.touch(conversationId, delayMs);
  }

  async assigned(conversationId: string): Promise<void> {
    await this.removeJob(timerKeys.queueTimeout(conversationId));
  }

  async stopSession(conversationId: string): Promise<void> {
    const inactivity = timerKeys.inactivity(conversationId);
    const inactivityJob = await this.queue.getDeduplicationJobId(inactivity);
    await Promise.all([
      this.queue.removeJobScheduler(timerKeys.keepalive(conversationId)),
      this.removeJob(timerKeys.queueTimeout(conversationId)),
      inactivityJob ? this.removeJob(inactivityJob) : undefined,
      this.queue.removeDeduplicationKey(inactivity),
    ]);
  }

  /** A queue-timeout that failed for good still holds its id: removed so that it can be added again. */
  async removeFinished(jobIds: string[]): Promise<void> {
    await Promise.all(jobIds.map((id) => this.removeJob(id)));
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
