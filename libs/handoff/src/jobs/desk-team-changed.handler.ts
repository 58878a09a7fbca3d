import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobHandler, JOBS, type DeskTeamChangedJob, type JobHandlerFor } from '@agent-bridge/queue';
import { ConversationRepository } from '../conversations/conversation.repository';
import { providerChatOf } from '../conversations/provider-chat';
import { ProviderError, ProviderErrorCode } from '../desk-port/desk-adapter';
import { ProviderRegistry } from '../desks/provider-registry.service';
import { deskTeam } from '../teams/desk-team';
import { TeamRouter } from '../teams/team-router.service';

/**
 * The desk follows a move the engine made (overflow, transfer to a team). A job, not a call in the
 * move: the move is committed first, and a desk that is down gets it on a retry.
 */
@Injectable()
@JobHandler(JOBS.deskTeamChanged)
export class DeskTeamChangedHandler implements JobHandlerFor<typeof JOBS.deskTeamChanged> {
  private readonly logger = new Logger(DeskTeamChangedHandler.name);

  constructor(
    private readonly conversations: ConversationRepository,
    private readonly providers: ProviderRegistry,
    private readonly teams: TeamRouter,
  ) {}

  async handle(job: Job<DeskTeamChangedJob>): Promise<{ skipped?: string }> {
    const { conversationId, teamId } = job.data;
    const conversation = await this.conversations.findById(conversationId);
    const chat = conversation && providerChatOf(conversation);
    if (!conversation || !chat) return { skipped: 'no desk chat' };
    // A later move has its own job: only the latest team is sent.
    if (conversation.teamId !== teamId) return { skipped: 'moved since' };
    const provider = this.providers.get(conversation.provider);
    if (!provider.teamChanged) return { skipped: 'desk without teams' };
    try {
      await provider.teamChanged(chat, deskTeam(await this.teams.team(teamId), provider.name));
    } catch (error) {
      if (error instanceof ProviderError && error.code === ProviderErrorCode.ChatClosed) return { skipped: 'chat closed' };
      throw error;
    }
    this.logger.log(`conversation ${conversationId}: ${provider.name} moved to team ${teamId} (job ${job.id})`);
    return {};
  }
}
