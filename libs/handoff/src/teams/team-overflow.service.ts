import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { JOB_OPTIONS, JOBS, QUEUES, jobId, type TeamOverflowJob } from '@agent-bridge/queue';
import type { Conversation } from '../desk-port/desk-session';
import type { Team } from '../desk-port/desk-teams';
import { TeamRouter } from './team-router.service';

/** One overflow per chat and team: arming twice, or a reconcile after it was armed, adds nothing. */
export const overflowJobId = (conversationId: string, teamId: string): string => jobId('overflow', conversationId, teamId);

/**
 * Arms the overflow of a chat entering a team's queue: a delayed BullMQ job (in Redis, so it
 * survives restarts) with one id per chat and team, so arming twice arms once.
 */
@Injectable()
export class TeamOverflowService {
  constructor(
    private readonly teams: TeamRouter,
    @InjectQueue(QUEUES.sessions) private readonly sessions: Queue<TeamOverflowJob>,
  ) {}

  async schedule(conversation: Conversation, visited: string[] = []): Promise<void> {
    const team = await this.teams.team(conversation.teamId);
    if (!team?.active || !team.overflowSeconds || !team.fallbackTeamId) return;
    await this.add(conversation.id, team.id, [...new Set([...visited, team.id])], team.overflowSeconds * 1000);
  }

  /** The overflow Redis lost (TimerReconcilerService): due `overflowSeconds` after the chat entered the team's queue. */
  async restore(conversationId: string, team: Team, queuedAt: Date): Promise<void> {
    if (!team.active || !team.overflowSeconds || !team.fallbackTeamId) return;
    await this.add(conversationId, team.id, [team.id], Math.max(0, queuedAt.getTime() + team.overflowSeconds * 1000 - Date.now()));
  }

  private async add(conversationId: string, teamId: string, visited: string[], delay: number): Promise<void> {
    await this.sessions.add(
      JOBS.teamOverflow,
      { conversationId, teamId, visited },
      { ...JOB_OPTIONS[JOBS.teamOverflow], jobId: overflowJobId(conversationId, teamId), delay },
    );
  }
}
