import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface CannedResponse {
  id: number;
  shortcut: string;
  title: string;
  text: string;
  /** Null: offered to everyone. */
  teamId: string | null;
}

interface Row {
  id: number;
  shortcut: string;
  title: string;
  text: string;
  team_id: string | null;
}

const toCanned = (r: Row): CannedResponse => ({ id: r.id, shortcut: r.shortcut, title: r.title, text: r.text, teamId: r.team_id });

/** Admins' side of canned_responses. `null` from create or update: the shortcut is taken. */
@Injectable()
export class CannedResponseRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(): Promise<CannedResponse[]> {
    const rows: Row[] = await this.db.query(`SELECT * FROM canned_responses ORDER BY shortcut`);
    return rows.map(toCanned);
  }

  /** 'bad_team': `teamId` names no team. */
  async create(input: { shortcut: string; title: string; text: string; teamId?: string | null }): Promise<CannedResponse | null | 'bad_team'> {
    try {
      const rows: Row[] = await this.db.query(
        `INSERT INTO canned_responses (shortcut, title, text, team_id) VALUES ($1, $2, $3, $4) ON CONFLICT (shortcut) DO NOTHING RETURNING *`,
        [input.shortcut, input.title, input.text, input.teamId ?? null],
      );
      return rows[0] ? toCanned(rows[0]) : null;
    } catch (error) {
      if (foreignKeyViolation(error)) return 'bad_team';
      throw error;
    }
  }

  /** `teamId`: undefined keeps it, null makes the response global. */
  async update(id: number, change: { shortcut?: string; title?: string; text?: string; teamId?: string | null }): Promise<CannedResponse | 'not_found' | 'taken' | 'bad_team'> {
    try {
      const [rows]: [Row[], number] = await this.db.query(
        `UPDATE canned_responses SET shortcut = COALESCE($2, shortcut), title = COALESCE($3, title), text = COALESCE($4, text),
           team_id = CASE WHEN $5 THEN $6::uuid ELSE team_id END WHERE id = $1 RETURNING *`,
        [id, change.shortcut ?? null, change.title ?? null, change.text ?? null, change.teamId !== undefined, change.teamId ?? null],
      );
      return rows[0] ? toCanned(rows[0]) : 'not_found';
    } catch (error) {
      if (uniqueViolation(error)) return 'taken';
      if (foreignKeyViolation(error)) return 'bad_team';
      throw error;
    }
  }

  async delete(id: number): Promise<boolean> {
    const [, count]: [unknown, number] = await this.db.query(`DELETE FROM canned_responses WHERE id = $1`, [id]);
    return count > 0;
  }
}

function uniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  return (e?.driverError?.code ?? e?.code) === '23505';
}

function foreignKeyViolation(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  return (e?.driverError?.code ?? e?.code) === '23503';
}
