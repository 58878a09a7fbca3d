import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every user message stores the platform's payload here and nothing queries inside it: json stores it
 * as received, where jsonb parses and re-encodes it on each write (bench/README.md).
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
