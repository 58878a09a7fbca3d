import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { csatExternalId } from './csat-rating';

/** A rating question still waiting for its answer, and how long the wait has left. */
export interface PendingCsat {
  conversationId: string;
  botId: string;
  visitorKey: string;
  remainingMs: number;
}

/** The CSAT wait as Postgres knows it, so that Redis's answer window can be rebuilt. */
@Injectable()
export class CsatRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The user wrote something else: the wait is over without a rating. `csat_at` marks the end of
   * the wait, rated or not (only `csat_score` is a rating), so a rebuild does not open it again.
   */
  async waitEnded(conversationId: string): Promise<void> {
    await this.db.query(`UPDATE conversations SET csat_at = now() WHERE id = $1 AND csat_score IS NULL AND csat_at IS NULL`, [conversationId]);
  }

  /**
   * Questions delivered less than `windowSeconds` ago, neither answered nor given up, whose user has
   * had no session since: one per visitor (the latest), as the window is one key per visitor.
   */
  async pending(windowSeconds: number): Promise<PendingCsat[]> {
    const rows: Array<{ id: string; bot_id: string; visitor_key: string; remaining_ms: number }> = await this.db.query(
      `SELECT DISTINCT ON (c.bot_id, c.visitor_key) c.id, c.bot_id, c.visitor_key,
         (extract(epoch FROM m.delivered_at + make_interval(secs => $1) - now()) * 1000)::int AS remaining_ms
       FROM conversations c
       JOIN transcript_messages m ON m.conversation_id = c.id AND m.direction = 'to_user' AND m.external_id = $2 || c.id::text AND m.delivery_state = 'delivered'
       WHERE c.csat_requested_at > now() - make_interval(secs => $1) AND c.csat_score IS NULL AND c.csat_at IS NULL AND c.state = 'closed'
         AND m.delivered_at > now() - make_interval(secs => $1)
         AND NOT EXISTS (SELECT 1 FROM conversations n WHERE n.bot_id = c.bot_id AND n.visitor_key = c.visitor_key AND n.opened_at > c.opened_at)
       ORDER BY c.bot_id, c.visitor_key, c.closed_at DESC`,
      [windowSeconds, csatExternalId('')],
    );
    return rows.map((r) => ({ conversationId: r.id, botId: r.bot_id, visitorKey: r.visitor_key, remainingMs: r.remaining_ms })).filter((p) => p.remainingMs > 0);
  }
}
