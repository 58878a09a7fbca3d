import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * A statement on the hot path, straight on the `pg` pool under TypeORM's DataSource: TypeORM's
 * `query()` adds a query runner, its logger and event broadcast per call, about twice the CPU of
 * `pg` (performance-limits.md). Same pool, same connections; for single statements only (no
 * transaction spans two calls). `name` makes it a prepared statement: give each SQL text its own.
 */
export async function hotQuery<T>(db: DataSource, sql: string, params: unknown[], name?: string): Promise<T[]> {
  const pool = (db.driver as unknown as { master?: Pool }).master;
  if (!pool) return db.query(sql, params) as Promise<T[]>;
  // A named statement is parsed once per connection and later calls send only the values. Postgres
  // still plans its first five runs with their values, then keeps a generic plan if it costs no more
  // (plan_cache_mode auto, see PREPARE).
  return (await pool.query(name ? { name, text: sql, values: params } : { text: sql, values: params })).rows as T[];
}
