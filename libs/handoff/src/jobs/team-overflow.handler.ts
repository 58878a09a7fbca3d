import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobHandler, JOBS, type JobHandlerFor, type TeamOverflowJob } from '@agent-bridge/queue';
import { ConversationRepository } from '../conversations/conversation.repository';
import { HandoffService } from '../conversations/handoff.service';
import { TeamRouter } from '../teams/team-router.service';

/** Re-checks everything when it fires: the chat may have been taken, moved or closed meanwhile. */
@Injectable()
@JobHandler(JOBS.teamOverflow)
export class TeamOverflowHandler implements JobHandlerFor<typeof JOBS.teamOverflow> {
  private readonly logger = new Logger(TeamOverflowHandler.name);

  constructor(
    private readonly conversations: ConversationRepository,
    private readonly teams: TeamRouter,
    private readonly handoff: HandoffService,
  ) {}

  async handle(job: Job<TeamOverflowJob>): Promise<{ movedTo?: string; skipped?: string }> {
    const { conversationId, teamId, visited } = job.data;
    const conversation = await this.conversations.findById(conversationId);
    if (!conversation || conversation.state !== 'queued') return { skipped: 'not waiting' };
    if (conversation.teamId !== teamId) return { skipped: 'moved already' };
    // The team as configured now: the admin may have changed its fallback since.
    const fallback = await this.teams.team((await this.teams.team(teamId))?.fallbackTeamId ?? null);
    if (!fallback?.active) return { skipped: 'no active fallback' };
    // A chain of fallbacks that leads back to a team of this wait stops here.
    if (visited.includes(fallback.id)) return { skipped: 'fallback visited' };
    const moved = await this.handoff.moveToTeam(conversation, fallback.id, 'system:overflow', 'overflow', { fromTeamId: teamId, visited });
    if (!moved) return { skipped: 'not waiting' };
    this.logger.log(`conversation ${conversationId}: overflowed from team ${teamId} to ${fallback.id} (job ${job.id})`);
    return { movedTo: fallback.id };
  }
}
