import { EventEmitter } from 'node:events';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { OfflineInbox, type OfflineChange, type OfflineConversation } from '../desk-port/offline-inbox';

interface OfflineRow {
  id: string;
  bot_id: string;
  visitor_key: string;
  user_name: string | null;
  team_id: string | null;
  team_name: string | null;
  offline_at: Date;
  closed_at: Date | null;
  offline_handled_at: Date | null;
  offline_handled_by: string | null;
  messages: Array<{ text: string; at: string }>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The user's lines, oldest first, with the conversation: one round trip for the whole list. */
const SELECT = `SELECT c.id, c.bot_id, c.visitor_key, c.user_name, c.team_id, t.name AS team_name, c.offline_at, c.closed_at,
    c.offline_handled_at, c.offline_handled_by, m.messages
  FROM conversations c
  LEFT JOIN teams t ON t.id = c.team_id
  JOIN LATERAL (
    SELECT json_agg(json_build_object('text', x.text, 'at', x.created_at) ORDER BY x.id) AS messages
    FROM transcript_messages x WHERE x.conversation_id = c.id AND x.direction = 'to_agent' AND x.author = 'user'
  ) m ON m.messages IS NOT NULL`;

const CHANGE = 'change';

/**
 * The offline conversations. Their changes are told to listeners in the process that made them (a
 * worker ending a session, an instance marking one handled); a desk pushes them on from there.
 */
@Injectable()
export class OfflineInboxService implements OfflineInbox {
  private readonly logger = new Logger(OfflineInboxService.name);
  private readonly local = new EventEmitter();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  onChange(listener: (change: OfflineChange) => void): () => void {
    const safe = (change: OfflineChange): void => {
      try {
        listener(change);
      } catch (error) {
        this.logger.error(`offline change listener failed: ${(error as Error).message}`);
      }
    };
    this.local.on(CHANGE, safe);
    return () => this.local.off(CHANGE, safe);
  }

  /** A session ended after hours with what the user left: it is in its team's list now. */
  async announce(conversationId: string): Promise<void> {
    const [row]: Array<{ team_id: string | null }> = await this.db.query(`SELECT team_id FROM conversations WHERE id = $1`, [conversationId]);
    if (row) this.local.emit(CHANGE, { id: conversationId, teamId: row.team_id, handled: false } satisfies OfflineChange);
  }

  async list(teamIds: string[] | null, options: { handled?: boolean; limit?: number } = {}): Promise<OfflineConversation[]> {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 500);
    const rows: OfflineRow[] = await this.db.query(
      `${SELECT}
       WHERE c.offline_at IS NOT NULL AND c.state = 'closed' AND (c.offline_handled_at IS NOT NULL) = $1
         AND ($2::uuid[] IS NULL OR c.team_id = ANY($2::uuid[]))
       ORDER BY c.closed_at DESC LIMIT $3`,
      [options.handled === true, teamIds, limit],
    );
    return rows.map(toOffline);
  }

  async markHandled(id: string, by: string, teamIds: string[] | null): Promise<OfflineConversation | null> {
    if (!UUID.test(id)) return null;
    const marked: Array<{ team_id: string | null }> = await this.db.query(
      `WITH marked AS (UPDATE conversations SET offline_handled_at = now(), offline_handled_by = $2
         WHERE id = $1 AND offline_at IS NOT NULL AND state = 'closed' AND offline_handled_at IS NULL
           AND ($3::uuid[] IS NULL OR team_id = ANY($3::uuid[])) RETURNING team_id)
       SELECT team_id FROM marked`,
      [id, by, teamIds],
    );
    // Only the first mark is a change: a repeated click tells nobody again.
    if (marked[0]) this.local.emit(CHANGE, { id, teamId: marked[0].team_id, handled: true } satisfies OfflineChange);
    const [row]: OfflineRow[] = await this.db.query(
      `${SELECT} WHERE c.id = $1 AND c.offline_at IS NOT NULL AND c.state = 'closed' AND ($2::uuid[] IS NULL OR c.team_id = ANY($2::uuid[]))`,
      [id, teamIds],
    );
    return row ? toOffline(row) : null;
  }
}

const toOffline = (r: OfflineRow): OfflineConversation => ({
  id: r.id,
  botId: r.bot_id,
  visitorKey: r.visitor_key,
  userName: r.user_name,
  teamId: r.team_id,
  teamName: r.team_name,
  leftAt: r.offline_at,
  closedAt: r.closed_at,
  messages: r.messages.map((m) => ({ text: m.text, at: new Date(m.at) })),
  handledAt: r.offline_handled_at,
  handledBy: r.offline_handled_by,
});

