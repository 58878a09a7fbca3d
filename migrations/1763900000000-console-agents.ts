import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Passwords are scrypt hashes only. */
export class ConsoleAgents1763900000000 implements MigrationInterface {
  name = 'ConsoleAgents1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
        password_hash text NOT NULL,
        max_chats integer NOT NULL DEFAULT 3 CHECK (max_chats BETWEEN 1 AND 50),
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX agents_email ON agents (lower(email))`);
    await q.query(`
      CREATE TABLE canned_responses (
        id serial PRIMARY KEY,
        shortcut text NOT NULL UNIQUE,
        title text NOT NULL,
        text text NOT NULL
      )`);
    await q.query(`CREATE INDEX conversations_agent_active ON conversations (provider, agent_id) WHERE state = 'assigned'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX conversations_agent_active');
    await q.query('DROP TABLE canned_responses');
    await q.query('DROP TABLE agents');
  }
}
