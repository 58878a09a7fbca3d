import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether the platform has flagged this session's messages `agent_transfer: true`: a later message
 * without the flag means the platform dropped agent mode on its own (its 15-minute reset). Kept on
 * the session row, so the per-message update that stores the request context records it too.
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
