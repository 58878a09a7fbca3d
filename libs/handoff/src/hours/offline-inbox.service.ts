import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { OfflineInbox, type OfflineConversation } from '../desk-port/offline-inbox';

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

@Injectable()
export class OfflineInboxService implements OfflineInbox {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

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
    await this.db.query(
      `UPDATE conversations SET offline_handled_at = now(), offline_handled_by = $2
       WHERE id = $1 AND offline_at IS NOT NULL AND state = 'closed' AND offline_handled_at IS NULL
         AND ($3::uuid[] IS NULL OR team_id = ANY($3::uuid[]))`,
      [id, by, teamIds],
    );
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
