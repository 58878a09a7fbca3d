import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { BusinessHours, WeeklyHours } from './business-hours';

export type ClosedAction = 'bot' | 'message';

/** The hours of a session's team, read when asked: an admin's change holds for the next hand-off on every instance. */
export interface SessionHours {
  botId: string;
  teamId: string | null;
  hours: BusinessHours | null;
  closedAction: ClosedAction;
  /** Set once the user was asked to leave a message. */
  offlineAt: Date | null;
}

interface HoursRow {
  bot_id: string;
  team_id: string | null;
  time_zone: string | null;
  weekly_hours: WeeklyHours | null;
  holidays: string[] | null;
  closed_action: ClosedAction | null;
  offline_at: Date | null;
}

/** The engine's reads and writes of the after-hours path (teams' hours, offline_at, left messages). */
@Injectable()
export class AfterHoursRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async sessionHours(conversationId: string): Promise<SessionHours | null> {
    const [row]: HoursRow[] = await this.db.query(
      `SELECT c.bot_id, c.team_id, t.time_zone, t.weekly_hours, t.holidays, t.closed_action, c.offline_at
       FROM conversations c LEFT JOIN teams t ON t.id = c.team_id WHERE c.id = $1`,
      [conversationId],
    );
    if (!row) return null;
    return {
      botId: row.bot_id,
      teamId: row.team_id,
      hours: row.time_zone ? { timeZone: row.time_zone, weekly: row.weekly_hours, holidays: row.holidays ?? [] } : null,
      closedAction: row.closed_action ?? 'bot',
      offlineAt: row.offline_at,
    };
  }

  /** Once: a retried hand-off finds the decision made before. */
  async markOffline(conversationId: string): Promise<void> {
    await this.db.query(`UPDATE conversations SET offline_at = now() WHERE id = $1 AND offline_at IS NULL`, [conversationId]);
  }

  /** An open session waiting for a message left for a closed team. */
  async isCollecting(conversationId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM conversations WHERE id = $1 AND offline_at IS NOT NULL AND state <> 'closed'`, [conversationId]);
    return rows.length > 0;
  }

  /** What the user left is kept for the team's agents, not failed as undeliverable at the close. */
  async keepLeftMessages(conversationId: string): Promise<number> {
    const [, count]: [unknown, number] = await this.db.query(
      `UPDATE transcript_messages SET delivery_state = 'delivered', delivered_at = now()
       WHERE conversation_id = $1 AND direction = 'to_agent' AND delivery_state = 'pending'
         AND EXISTS (SELECT 1 FROM conversations WHERE id = $1 AND offline_at IS NOT NULL)`,
      [conversationId],
    );
    return count;
  }
}
