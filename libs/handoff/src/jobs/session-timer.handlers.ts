import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { BotkitClient, BotkitError, BotkitErrorCode } from '@agent-bridge/botkit';
import { JobHandler, JOBS, type JobHandlerFor, type SessionJob } from '@agent-bridge/queue';
import { ConversationRepository } from '../conversations/conversation.repository';
import { HandoffService } from '../conversations/handoff.service';
import { SessionTimersService } from '../timers/session-timers.service';

@Injectable()
@JobHandler(JOBS.keepalive)
export class KeepaliveHandler implements JobHandlerFor<typeof JOBS.keepalive> {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly handoff: HandoffService,
    private readonly timers: SessionTimersService,
    private readonly botkit: BotkitClient,
  ) {}

  async handle(job: Job<SessionJob>): Promise<{ skipped?: string }> {
    const conversation = await this.conversations.findById(job.data.conversationId);
    if (!conversation || conversation.state === 'closed') {
      await this.timers.stopSession(job.data.conversationId); // a scheduler left behind by a crash
      return { skipped: 'closed' };
    }
    try {
      await this.botkit.extendRequestId(conversation.latestPayload, { attempts: 2 });
    } catch (error) {
      // The platform refusing the extension means it no longer holds the agent session.
      if (error instanceof BotkitError && error.code === BotkitErrorCode.PlatformRejected && [400, 404, 410].includes(error.status ?? 0)) {
        await this.handoff.end(conversation.id, 'platform_reset', 'platform');
        return { skipped: 'platform reset' };
      }
      throw error;
    }
    return {};
  }
}

/** The deadline moves with activity, so it re-checks before acting. */
@Injectable()
@JobHandler(JOBS.inactivityCheck)
export class InactivityHandler implements JobHandlerFor<typeof JOBS.inactivityCheck> {
  private readonly logger = new Logger(InactivityHandler.name);

  constructor(
    private readonly conversations: ConversationRepository,
    private readonly handoff: HandoffService,
    private readonly timers: SessionTimersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(job: Job<SessionJob>): Promise<{ skipped?: string }> {
    const conversation = await this.conversations.findById(job.data.conversationId);
    if (!conversation || conversation.state === 'closed') return { skipped: 'closed' };
    const deadline = conversation.lastActivityAt.getTime() + this.config.handoff.inactivityTimeoutSeconds * 1000;
    const left = deadline - Date.now();
    if (left > 250) {
      // Activity arrived while this job was already due: wait for the rest of the window.
      this.logger.debug(`conversation ${conversation.id}: active ${Math.round(left)} ms ago, re-armed`);
      await this.timers.rearmInactivity(conversation.id, left);
      return { skipped: 'active' };
    }
    await this.handoff.end(conversation.id, 'inactivity', 'timer:inactivity');
    return {};
  }
}

@Injectable()
@JobHandler(JOBS.queueTimeout)
export class QueueTimeoutHandler implements JobHandlerFor<typeof JOBS.queueTimeout> {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly handoff: HandoffService,
  ) {}

  async handle(job: Job<SessionJob>): Promise<{ skipped?: string }> {
    const conversation = await this.conversations.findById(job.data.conversationId);
    if (!conversation || conversation.state !== 'queued') return { skipped: 'not queued' };
    await this.handoff.end(conversation.id, 'queue_timeout', 'timer:queue');
    return {};
  }
}
