import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { JOB_OPTIONS, JOBS, QUEUES, jobId, type TeamOverflowJob } from '@agent-bridge/queue';
import type { Conversation } from '../desk-port/desk-session';
import type { Team } from '../desk-port/desk-teams';
import { TeamRouter } from './team-router.service';

/**
 * One overflow per chat, team and entry into its queue (the time of that transition): arming twice,
 * or a reconcile after it was armed, adds nothing, while a chat back in the same queue later (its
 * agent left) gets a fresh one, not the spent job kept under the same id.
 */
export const overflowJobId = (conversationId: string, teamId: string, queuedAt: Date): string =>
  jobId('overflow', conversationId, teamId, String(queuedAt.getTime()));

/** When a chat last entered a queue: its last transition to queued, else its opening. */
export const QUEUED_AT_SQL = `COALESCE((SELECT max(t.at) FROM conversation_transitions t WHERE t.conversation_id = c.id AND t.to_state = 'queued'), c.opened_at)`;

/**
 * Arms the overflow of a chat entering a team's queue: a delayed BullMQ job (in Redis, so it
 * survives restarts), due the team's overflow time after the chat entered the queue.
 */
@Injectable()
export class TeamOverflowService {
  constructor(
    private readonly teams: TeamRouter,
    @InjectQueue(QUEUES.sessions) private readonly sessions: Queue<TeamOverflowJob>,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async schedule(conversation: Conversation, visited: string[] = []): Promise<void> {
    const team = await this.teams.team(conversation.teamId);
    if (!team?.active || !team.overflowSeconds || !team.fallbackTeamId) return;
    const [row]: Array<{ queued_at: Date }> = await this.db.query(`SELECT ${QUEUED_AT_SQL} AS queued_at FROM conversations c WHERE c.id = $1`, [conversation.id]);
    if (!row) return;
    await this.add(conversation.id, team, [...new Set([...visited, team.id])], row.queued_at);
  }

  /** The overflow Redis lost (TimerReconcilerService): due `overflowSeconds` after the chat entered the team's queue. */
  async restore(conversationId: string, team: Team, queuedAt: Date): Promise<void> {
    if (!team.active || !team.overflowSeconds || !team.fallbackTeamId) return;
    await this.add(conversationId, team, [team.id], queuedAt);
  }

  private async add(conversationId: string, team: Team, visited: string[], queuedAt: Date): Promise<void> {
    const delay = Math.max(0, queuedAt.getTime() + team.overflowSeconds! * 1000 - Date.now());
    await this.sessions.add(
      JOBS.teamOverflow,
      { conversationId, teamId: team.id, visited },
      { ...JOB_OPTIONS[JOBS.teamOverflow], jobId: overflowJobId(conversationId, team.id, queuedAt), delay },
    );
  }
}
