import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { JOB_OPTIONS, JOBS, QUEUES, jobId, type TeamOverflowJob } from '@agent-bridge/queue';
import type { Conversation } from '../desk-port/desk-session';
import { TeamRouter } from './team-router.service';

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
    await this.sessions.add(
      JOBS.teamOverflow,
      { conversationId: conversation.id, teamId: team.id, visited: [...new Set([...visited, team.id])] },
      { ...JOB_OPTIONS[JOBS.teamOverflow], jobId: jobId('overflow', conversation.id, team.id), delay: team.overflowSeconds * 1000 },
    );
  }
}
