import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reports read a range of opened_at and only these columns: an index holding them answers from
 * the index alone, never from the wide, half-empty (fillfactor 50) heap pages. Nothing the per-message
 * path writes (last_activity_at, latest_*) is in it, so those updates stay heap-only; first_response_at
 * and csat_score change once per conversation. Built concurrently: a big history keeps taking writes.
 */
export class ReportIndex1764550000000 implements MigrationInterface {
  name = 'ReportIndex1764550000000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    // A concurrent build that failed leaves an invalid index behind under the same name.
    await q.query('DROP INDEX CONCURRENTLY IF EXISTS conversations_report');
    await q.query(`
      CREATE INDEX CONCURRENTLY conversations_report ON conversations (opened_at)
        INCLUDE (team_id, agent_id, agent_name, trigger, state, assigned_at, first_response_at, closed_at, close_reason, csat_score, disposition)`);
  }

  // TypeORM reverts inside a transaction whatever `transaction` says, where CONCURRENTLY is refused.
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS conversations_report');
  }
}
