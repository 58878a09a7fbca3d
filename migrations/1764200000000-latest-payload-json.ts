import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every user message stores the platform's payload here and nothing queries inside it: as json it is
 * stored as received, not parsed and re-encoded on each write as jsonb was (bench/README.md).
 */
export class LatestPayloadJson1764200000000 implements MigrationInterface {
  name = 'LatestPayloadJson1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversations ALTER COLUMN latest_payload TYPE json USING latest_payload::json`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversations ALTER COLUMN latest_payload TYPE jsonb USING latest_payload::jsonb`);
  }
}
