import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A later message without `agent_transfer: true` means the platform dropped agent mode on its own
 * (its 15-minute reset). On the session row, so the per-message update records it at no extra cost.
 */
export class AgentModeSeen1764000000000 implements MigrationInterface {
  name = 'AgentModeSeen1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversations ADD COLUMN agent_mode_seen boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversations DROP COLUMN agent_mode_seen`);
  }
}
