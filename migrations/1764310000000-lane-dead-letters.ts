import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `lane` and `item` are bytea: stored exactly as the lane held them, whatever bytes a text column would refuse. */
export class LaneDeadLetters1764310000000 implements MigrationInterface {
  name = 'LaneDeadLetters1764310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE lane_dead_letters (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        lane bytea NOT NULL,
        item bytea NOT NULL,
        reason text NOT NULL CHECK (reason IN ('refused', 'failed', 'outage')),
        error_code text NOT NULL,
        attempts integer NOT NULL,
        state text NOT NULL DEFAULT 'dead' CHECK (state IN ('dead', 'retried')),
        created_at timestamptz NOT NULL DEFAULT now(),
        retried_at timestamptz
      )`);
    await q.query(`CREATE INDEX lane_dead_letters_recent ON lane_dead_letters (created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE lane_dead_letters');
  }
}
