import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The timer reconcile (every 30 s) looks for rating questions still waiting for an answer, asked
 * within the answer window: a range of this small partial index, never a scan of the history.
 * Built concurrently: a big history keeps taking writes.
 */
export class CsatPendingIndex1764600000000 implements MigrationInterface {
  name = 'CsatPendingIndex1764600000000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    // A concurrent build that failed leaves an invalid index behind under the same name.
    await q.query('DROP INDEX CONCURRENTLY IF EXISTS conversations_csat_pending');
    await q.query(`
      CREATE INDEX CONCURRENTLY conversations_csat_pending ON conversations (csat_requested_at)
        WHERE csat_requested_at IS NOT NULL AND csat_score IS NULL AND csat_at IS NULL`);
  }

  // TypeORM reverts inside a transaction whatever `transaction` says, where CONCURRENTLY is refused.
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS conversations_csat_pending');
  }
}
