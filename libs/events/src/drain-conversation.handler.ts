import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type Redis from 'ioredis';
import { REDIS } from '@agent-bridge/persistence';
import { JobHandler, JOBS, type JobHandlerFor } from '@agent-bridge/queue';
import { EventInboxService } from './event-inbox.service';
import { EventRouter } from './event-router';
import type { InboundEvent } from './inbound-event';

/** Events handled per job before the job hands over to a fresh one, so one busy lane cannot hog a worker slot. */
const BATCH = 100;

/**
 * Processes a conversation's inbox in order. An event leaves the inbox only after it is handled
 * (at least once); a retryable failure keeps it at the head and the job retries with backoff, so
 * later events never overtake it. A permanent failure, or the last attempt, gives it up with a log.
 */
@Injectable()
@JobHandler(JOBS.drainConversation)
export class DrainConversationHandler implements JobHandlerFor<typeof JOBS.drainConversation> {
  private readonly logger = new Logger(DrainConversationHandler.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly inbox: EventInboxService,
    private readonly router: EventRouter,
  ) {}

  async handle(job: Job<{ conversation: string }>): Promise<{ handled: number }> {
    const key = this.inbox.inboxKey(job.data.conversation);
    let handled = 0;
    for (; handled < BATCH; handled++) {
      const raw = await this.redis.lindex(key, 0);
      if (raw === null) return { handled };
      const event = JSON.parse(raw) as InboundEvent;
      try {
        await this.router.route(event);
      } catch (error) {
        const retryable = (error as { retryable?: unknown }).retryable !== false;
        const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if (retryable && !lastAttempt) throw error;
        this.logger.error(
          `gave up on ${event.eventName} ${event.requestId} (bot ${event.botId}) after ${job.attemptsMade + 1} attempt(s): ${(error as Error).message}`,
        );
      }
      // Only this job touches the head of this inbox (one drain per conversation at a time).
      await this.redis.lpop(key);
    }
    await this.inbox.scheduleDrain(job.data.conversation);
    return { handled };
  }
}
