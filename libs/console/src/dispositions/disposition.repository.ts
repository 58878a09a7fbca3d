import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { DispositionView } from '../desk/console-events';

export interface Disposition {
  id: number;
  /** What a closed conversation stores; fixed once created, so history survives a new label. */
  code: string;
  label: string;
  active: boolean;
  position: number;
}

interface Row {
  id: number;
  code: string;
  label: string;
  active: boolean;
  position: number;
}

const toDisposition = (r: Row): Disposition => ({ id: r.id, code: r.code, label: r.label, active: r.active, position: r.position });

/** Read on every use, so an admin's change holds at once on every instance. */
@Injectable()
export class DispositionRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(): Promise<Disposition[]> {
    const rows: Row[] = await this.db.query(`SELECT * FROM dispositions ORDER BY position, id`);
    return rows.map(toDisposition);
  }

  /** What agents are offered when closing. */
  async offered(): Promise<DispositionView[]> {
    return this.db.query(`SELECT code, label FROM dispositions WHERE active ORDER BY position, id`);
  }

  async isActive(code: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM dispositions WHERE code = $1 AND active`, [code]);
    return rows.length > 0;
  }

  /** Last in the order. Null when the code is taken. */
  async create(input: { code: string; label: string; active: boolean }): Promise<Disposition | null> {
    const rows: Row[] = await this.db.query(
      `INSERT INTO dispositions (code, label, active, position)
       VALUES ($1, $2, $3, (SELECT COALESCE(max(position), 0) + 1 FROM dispositions))
       ON CONFLICT (code) DO NOTHING RETURNING *`,
      [input.code, input.label, input.active],
    );
    return rows[0] ? toDisposition(rows[0]) : null;
  }

  async update(id: number, change: { label?: string; active?: boolean }): Promise<Disposition | null> {
    const [rows]: [Row[], number] = await this.db.query(
      `UPDATE dispositions SET label = COALESCE($2, label), active = COALESCE($3, active) WHERE id = $1 RETURNING *`,
      [id, change.label ?? null, change.active ?? null],
    );
    return rows[0] ? toDisposition(rows[0]) : null;
  }

  /** `ids` must name every disposition once; false (nothing changed) when they do not. */
  async reorder(ids: number[]): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows: Array<{ id: number }> = await tx.query(`SELECT id FROM dispositions FOR UPDATE`);
      const known = new Set(rows.map((r) => r.id));
      if (ids.length !== known.size || new Set(ids).size !== ids.length || !ids.every((id) => known.has(id))) return false;
      await tx.query(`UPDATE dispositions d SET position = o.n FROM unnest($1::int[]) WITH ORDINALITY AS o(id, n) WHERE d.id = o.id`, [ids]);
      return true;
    });
  }
}
