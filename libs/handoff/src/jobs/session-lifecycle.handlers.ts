import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { BotkitClient } from '@agent-bridge/botkit';
import { JobHandler, JOBS, type EndSessionJob, type JobHandlerFor, type SessionJob } from '@agent-bridge/queue';
import { ConversationRepository } from '../conversations/conversation.repository';
import { HandoffService } from '../conversations/handoff.service';
import { providerChatOf } from '../conversations/provider-chat';
import { ProviderError, ProviderErrorCode } from '../desk-port/desk-adapter';
import { ProviderRegistry } from '../desks/provider-registry.service';

@Injectable()
@JobHandler(JOBS.endSession)
export class EndSessionHandler implements JobHandlerFor<typeof JOBS.endSession> {
  constructor(private readonly handoff: HandoffService) {}

  async handle(job: Job<EndSessionJob>): Promise<{ ended: boolean }> {
    return { ended: await this.handoff.end(job.data.conversationId, job.data.reason, job.data.actor) };
  }
}

const AGENT_NOTICE: Record<string, string> = {
  user_ended: 'The user ended the chat.',
  inactivity: 'The chat was closed after a period without activity.',
  queue_timeout: 'The user waited too long and was handed back to the bot.',
  platform_reset: 'The bot platform ended the agent session.',
  provider_error: 'The chat was closed because of an error.',
};

@Injectable()
@JobHandler(JOBS.closeProviderChat)
export class CloseProviderChatHandler implements JobHandlerFor<typeof JOBS.closeProviderChat> {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly providers: ProviderRegistry,
  ) {}

  async handle(job: Job<EndSessionJob>): Promise<{ skipped?: string }> {
    const conversation = await this.conversations.findById(job.data.conversationId);
    const chat = conversation && providerChatOf(conversation);
    if (!conversation || !chat) return { skipped: 'no desk chat' };
    const provider = this.providers.get(conversation.provider);
    const notice = AGENT_NOTICE[job.data.reason];
    if (notice) {
      // Best effort: a desk that refuses the notice (the chat already gone) must still be closed.
      await provider.sendSystemNotice(chat, notice).catch((error: unknown) => {
        if (!(error instanceof ProviderError) || error.retryable) throw error;
      });
    }
    try {
      await provider.closeChat(chat, job.data.reason);
    } catch (error) {
      if (error instanceof ProviderError && error.code === ProviderErrorCode.ChatClosed) return { skipped: 'already closed' };
      throw error;
    }
    return {};
  }
}

/** Exactly once per session: a deterministic job id and a flag. */
@Injectable()
@JobHandler(JOBS.clearAgentSession)
export class ClearAgentSessionHandler implements JobHandlerFor<typeof JOBS.clearAgentSession> {
  private readonly logger = new Logger(ClearAgentSessionHandler.name);

  constructor(
    private readonly conversations: ConversationRepository,
    private readonly botkit: BotkitClient,
  ) {}

  async handle(job: Job<SessionJob>): Promise<{ skipped?: string }> {
    const conversation = await this.conversations.findById(job.data.conversationId);
    if (!conversation || conversation.state !== 'closed') return { skipped: 'not closed' };
    if (await this.conversations.isPlatformCleared(conversation.id)) return { skipped: 'already cleared' };
    // BotKit posted whatever message the object last held (the agent's last words); we post none.
    const { message: _lastMessage, ...payload } = conversation.latestPayload;
    await this.botkit.clearAgentSession(payload);
    await this.conversations.markPlatformCleared(conversation.id);
    this.logger.log(`conversation ${conversation.id}: platform agent session cleared`);
    return {};
  }
}
