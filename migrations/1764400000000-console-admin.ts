import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What admins manage from the console. `team_id` columns stay without a foreign key until the teams
 * table exists. Conversations keep a disposition's `code`, so renaming a label changes no history.
 */
export class ConsoleAdmin1764400000000 implements MigrationInterface {
  name = 'ConsoleAdmin1764400000000';

  async up(q: QueryRunner): Promise<void> {
    // session_epoch is copied into every console token; bumping it ends every session at once.
    await q.query(`
      ALTER TABLE agents
        ADD COLUMN invite_token_hash text,
        ADD COLUMN invite_expires_at timestamptz,
        ADD COLUMN session_epoch integer NOT NULL DEFAULT 0`);
    await q.query(`CREATE UNIQUE INDEX agents_invite_token ON agents (invite_token_hash) WHERE invite_token_hash IS NOT NULL`);
    await q.query(`ALTER TABLE canned_responses ADD COLUMN team_id uuid`);
    await q.query(`
      CREATE TABLE dispositions (
        id serial PRIMARY KEY,
        code text NOT NULL UNIQUE,
        label text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        position integer NOT NULL DEFAULT 0,
        team_id uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      INSERT INTO dispositions (code, label, position) VALUES
        ('resolved', 'Resolved', 1), ('follow-up', 'Follow-up needed', 2), ('spam', 'Spam', 3), ('other', 'Other', 4)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dispositions');
    await q.query('ALTER TABLE canned_responses DROP COLUMN team_id');
    await q.query('DROP INDEX agents_invite_token');
    await q.query('ALTER TABLE agents DROP COLUMN session_epoch, DROP COLUMN invite_expires_at, DROP COLUMN invite_token_hash');
  }
}
