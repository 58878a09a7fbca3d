import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { FailureKind } from '@agent-bridge/persistence';

export interface NewDeadLetter {
  kind: string;
  lane: string;
  item: string;
  reason: FailureKind;
  errorCode: string;
  attempts: number;
}

/** Never the item, which holds message text. */
export interface DeadLetterView {
  id: string;
  kind: string;
  lane: string;
  reason: FailureKind;
  errorCode: string;
  attempts: number;
  state: 'dead' | 'retried';
  at: string;
  retriedAt: string | null;
}

interface Row {
  id: string;
  kind: string;
  lane: Buffer;
  reason: FailureKind;
  error_code: string;
  attempts: number;
  state: 'dead' | 'retried';
  created_at: Date;
  retried_at: Date | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class DeadLetterRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(d: NewDeadLetter): Promise<string> {
    const rows: Array<{ id: string }> = await this.db.query(
      `INSERT INTO lane_dead_letters (kind, lane, item, reason, error_code, attempts) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [safeText(d.kind), Buffer.from(d.lane, 'utf8'), Buffer.from(d.item, 'utf8'), d.reason, safeText(d.errorCode), d.attempts],
    );
    return rows[0]!.id;
  }

  async recent(limit = 50): Promise<DeadLetterView[]> {
    const rows: Row[] = await this.db.query(
      `SELECT id, kind, lane, reason, error_code, attempts, state, created_at, retried_at FROM lane_dead_letters ORDER BY created_at DESC LIMIT $1`,
      [limit],
    );
    return rows.map(view);
  }

  async countOpen(): Promise<number> {
    const rows: Array<{ count: number }> = await this.db.query(`SELECT count(*)::int AS count FROM lane_dead_letters WHERE state = 'dead'`);
    return rows[0]?.count ?? 0;
  }

  async findOpen(id: string): Promise<{ lane: string; item: string } | 'retried' | null> {
    if (!UUID.test(id)) return null;
    const rows: Array<{ lane: Buffer; item: Buffer; state: string }> = await this.db.query(`SELECT lane, item, state FROM lane_dead_letters WHERE id = $1`, [id]);
    const row = rows[0];
    if (!row) return null;
    if (row.state !== 'dead') return 'retried';
    return { lane: row.lane.toString('utf8'), item: row.item.toString('utf8') };
  }

  async markRetried(id: string): Promise<boolean> {
    // As a CTE, the driver answers with the rows (a bare UPDATE answers [rows, count]).
    const rows: unknown[] = await this.db.query(
      `WITH u AS (UPDATE lane_dead_letters SET state = 'retried', retried_at = now() WHERE id = $1 AND state = 'dead' RETURNING id) SELECT id FROM u`,
      [id],
    );
    return rows.length === 1;
  }
}

function view(r: Row): DeadLetterView {
  return {
    id: r.id,
    kind: r.kind,
    lane: safeText(r.lane.toString('utf8')),
    reason: r.reason,
    errorCode: r.error_code,
    attempts: r.attempts,
    state: r.state,
    at: r.created_at.toISOString(),
    retriedAt: r.retried_at ? r.retried_at.toISOString() : null,
  };
}

/** Control characters shown as U+FFFD: a text column and a page can hold what remains. */
function safeText(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]/g, '\ufffd');
}
