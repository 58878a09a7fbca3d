import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { hotQuery } from '@agent-bridge/persistence';

import type { DeliveryState, Direction, Author, TranscriptMessage } from '../desk-port/desk-session';

export type { Author, Direction, TranscriptMessage } from '../desk-port/desk-session';

/** Explicit columns: a prepared statement must keep its result shape when a migration adds one. */
const COLUMNS = 'id, conversation_id, direction, author, author_name, text, external_id, created_at, delivery_state, attempts';

interface Row {
  id: string;
  conversation_id: string;
  direction: Direction;
  author: Author;
  author_name: string | null;
  text: string;
  external_id: string | null;
  created_at: Date;
  delivery_state: DeliveryState;
  attempts: number;
}

/** A message whose delivery was given up, as ops sees it: which session and desk, not what it said. */
export interface FailedDelivery {
  conversationId: string;
  provider: string;
  direction: Direction;
  at: Date;
  error: string | null;
}

const toMessage = (r: Row): TranscriptMessage => ({
  id: String(r.id),
  conversationId: r.conversation_id,
  direction: r.direction,
  author: r.author,
  authorName: r.author_name,
  text: r.text,
  externalId: r.external_id,
  createdAt: r.created_at,
  deliveryState: r.delivery_state,
  attempts: r.attempts,
});

/**
 * The transcript is also the delivery outbox: a relayed message is a row first (durable, ordered by
 * id within its conversation), then delivered by the conversation's drain job.
 */
@Injectable()
export class TranscriptRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Stores a message; returns null when the same external id was stored before (a redelivery). */
  async append(input: {
    conversationId: string;
    direction: Direction;
    author: Author;
    authorName?: string | null;
    text: string;
    externalId?: string | null;
    delivered?: boolean;
    /** When the author sent it, if the desk says (delivery follows this order among pending messages). */
    sentAt?: string | null;
  }): Promise<TranscriptMessage | null> {
    const rows: Row[] = await this.db.query(
      `INSERT INTO transcript_messages (conversation_id, direction, author, author_name, text, external_id, delivery_state, delivered_at, sent_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $7 = 'delivered' THEN now() END, COALESCE($8::timestamptz, now()))
       ON CONFLICT (conversation_id, direction, external_id) WHERE external_id IS NOT NULL DO NOTHING
       RETURNING *`,
      [input.conversationId, input.direction, input.author, input.authorName ?? null, input.text, input.externalId ?? null,
        input.delivered ? 'delivered' : 'pending', input.sentAt ?? null],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  /**
   * A system notice for the user, pending for the drain, written in the caller's transaction
   * (`manager`). Its sent_at is the clock, not the transaction's start, so it follows what was
   * stored before it. A repeat of the same external id stores nothing.
   */
  async queueNotice(manager: EntityManager, conversationId: string, text: string, externalId: string): Promise<void> {
    await manager.query(
      `INSERT INTO transcript_messages (conversation_id, direction, author, text, external_id, delivery_state, sent_at)
       VALUES ($1, 'to_user', 'system', $2, $3, 'pending', clock_timestamp())
       ON CONFLICT (conversation_id, direction, external_id) WHERE external_id IS NOT NULL DO NOTHING`,
      [conversationId, text, externalId],
    );
  }

  async findByExternalId(conversationId: string, direction: Direction, externalId: string): Promise<TranscriptMessage | null> {
    const rows: Row[] = await this.db.query(
      `SELECT * FROM transcript_messages WHERE conversation_id = $1 AND direction = $2 AND external_id = $3`,
      [conversationId, direction, externalId],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  async get(id: string): Promise<TranscriptMessage | null> {
    const rows: Row[] = await this.db.query(`SELECT * FROM transcript_messages WHERE id = $1`, [id]);
    return rows[0] ? toMessage(rows[0]) : null;
  }

  async lastCursor(conversationId: string, direction: Direction): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT id FROM transcript_messages WHERE conversation_id = $1 AND direction = $2 ORDER BY id DESC LIMIT 1`,
      [conversationId, direction],
    );
    return rows[0] ? String(rows[0].id) : null;
  }

  async nextPending(conversationId: string, direction: Direction, limit: number): Promise<TranscriptMessage[]> {
    const rows: Row[] = await hotQuery(this.db,
      `SELECT ${COLUMNS} FROM transcript_messages WHERE conversation_id = $1 AND direction = $2 AND delivery_state = 'pending'
       ORDER BY sent_at, id LIMIT $3`,
      [conversationId, direction, limit],
      'ab_next_pending',
    );
    return rows.map(toMessage);
  }

  async hasPending(conversationId: string, direction: Direction): Promise<boolean> {
    const rows = await hotQuery(this.db,
      `SELECT 1 FROM transcript_messages WHERE conversation_id = $1 AND direction = $2 AND delivery_state = 'pending' LIMIT 1`,
      [conversationId, direction],
      'ab_has_pending',
    );
    return rows.length > 0;
  }

  async markDelivered(id: string): Promise<void> {
    await hotQuery(this.db,
      `UPDATE transcript_messages SET delivery_state = 'delivered', delivered_at = now(), attempts = attempts + 1 WHERE id = $1`,
      [id],
      'ab_mark_delivered',
    );
  }

  /** A message stored as delivered whose send failed: pending again, for the drain job. */
  async undeliver(id: string, error: string): Promise<void> {
    await this.db.query(
      `UPDATE transcript_messages SET delivery_state = 'pending', delivered_at = NULL, last_error = $2 WHERE id = $1`,
      [id, error.slice(0, 500)],
    );
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.db.query(
      `UPDATE transcript_messages SET delivery_state = 'failed', attempts = attempts + 1, last_error = $2 WHERE id = $1`,
      [id, error.slice(0, 500)],
    );
  }

  async recordAttempt(id: string, error: string): Promise<void> {
    await this.db.query(`UPDATE transcript_messages SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [id, error.slice(0, 500)]);
  }

  /**
   * User messages still waiting for the desk when a session closes are given up, not left pending
   * forever. Messages to the user are not: the agent's last words go out before the closing notice.
   */
  async failPendingToAgent(conversationId: string, reason: string): Promise<number> {
    // Wrapped in a CTE: TypeORM returns [rows, count] for a bare UPDATE but rows for a SELECT.
    const rows: Array<{ n: number }> = await this.db.query(
      `WITH failed AS (
         UPDATE transcript_messages SET delivery_state = 'failed', last_error = $2
         WHERE conversation_id = $1 AND direction = 'to_agent' AND delivery_state = 'pending' RETURNING id
       ) SELECT count(*)::int AS n FROM failed`,
      [conversationId, reason],
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * One page of the (conversation, direction) outboxes holding pending messages, after `cursor`,
   * from the partial index of pending rows: what drain jobs must exist for.
   */
  async pendingOutboxes(
    cursor: { conversationId: string; direction: Direction } | null,
    limit: number,
  ): Promise<Array<{ conversationId: string; direction: Direction }>> {
    const rows: Array<{ conversation_id: string; direction: Direction }> = await this.db.query(
      `SELECT conversation_id, direction FROM transcript_messages
       WHERE delivery_state = 'pending' AND direction IN ('to_user', 'to_agent')
         AND (conversation_id, direction) > ($1::uuid, $2::text)
       GROUP BY conversation_id, direction ORDER BY conversation_id, direction LIMIT $3`,
      [cursor?.conversationId ?? '00000000-0000-0000-0000-000000000000', cursor?.direction ?? '', limit],
    );
    return rows.map((r) => ({ conversationId: r.conversation_id, direction: r.direction }));
  }

  /**
   * The latest messages given up on, newest first, for the ops page. Joins conversations for the
   * desk in the same statement; the text is not read, so ops never sees what a message said.
   */
  async recentFailedDeliveries(limit: number): Promise<FailedDelivery[]> {
    const rows: Array<{ conversation_id: string; provider: string; direction: Direction; created_at: Date; last_error: string | null }> =
      await this.db.query(
        `SELECT m.conversation_id, c.provider, m.direction, m.created_at, m.last_error FROM transcript_messages m
         JOIN conversations c ON c.id = m.conversation_id WHERE m.delivery_state = 'failed' ORDER BY m.id DESC LIMIT $1`,
        [limit],
      );
    return rows.map((r) => ({ conversationId: r.conversation_id, provider: r.provider, direction: r.direction, at: r.created_at, error: r.last_error }));
  }

  async list(conversationId: string, afterId = '0', limit = 500): Promise<TranscriptMessage[]> {
    const rows: Row[] = await this.db.query(
      `SELECT * FROM transcript_messages WHERE conversation_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [conversationId, afterId, limit],
    );
    return rows.map(toMessage);
  }

  async storedExternalIds(conversationId: string, direction: 'to_user' | 'to_agent', externalIds: string[]): Promise<Set<string>> {
    if (externalIds.length === 0) return new Set();
    const rows: Array<{ external_id: string }> = await this.db.query(
      `SELECT external_id FROM transcript_messages WHERE conversation_id = $1 AND direction = $2 AND external_id = ANY($3::text[])`,
      [conversationId, direction, externalIds],
    );
    return new Set(rows.map((r) => r.external_id));
  }

  /** So that a repeat of its event is not sent again. No-op when the send failed. */
  async confirmSent(messageId: string): Promise<void> {
    await this.db.query(
      `UPDATE transcript_messages SET attempts = 1 WHERE id = $1 AND delivery_state = 'delivered' AND attempts = 0`,
      [messageId],
    );
  }
}
