import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * Straight on TypeORM's `pg` pool: `DataSource.query()` adds a query runner, logger and event
 * broadcast per call (bench/README.md). Single statements only; `name` prepares it: one per SQL text.
 */
export async function hotQuery<T>(db: DataSource, sql: string, params: unknown[], name?: string): Promise<T[]> {
  const pool = (db.driver as unknown as { master?: Pool }).master;
  if (!pool) return db.query(sql, params) as Promise<T[]>;
  // Parsed once per connection; Postgres may keep a generic plan only after five runs (PREPARE).
  return (await pool.query(name ? { name, text: sql, values: params } : { text: sql, values: params })).rows as T[];
}
