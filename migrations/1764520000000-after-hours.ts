import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * offline_at: the team was closed and the user was asked to leave a message. Such a session waits
 * for the message without a desk chat (no queue lists it); once closed it is an offline conversation
 * for the team's agents until one marks it handled.
 */
export class AfterHours1764520000000 implements MigrationInterface {
  name = 'AfterHours1764520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversations ADD COLUMN offline_at timestamptz`);
    // The agents' list: unhandled offline conversations per team, newest first; small by nature.
    await q.query(`CREATE INDEX conversations_offline ON conversations (team_id, closed_at DESC) WHERE offline_at IS NOT NULL AND offline_handled_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX conversations_offline');
    await q.query('ALTER TABLE conversations DROP COLUMN offline_at');
  }
}
