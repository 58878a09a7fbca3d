import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The contact centre's shared model. Teams, routing rules, hours and per-bot settings are the
 * engine's (every desk routes by them); which console agents sit in which team is the console's.
 * Conversations carry no foreign key to teams: teams are deactivated, never deleted, and the hot
 * insert path should not pay for the check.
 */
export class ContactCentre1764500000000 implements MigrationInterface {
  name = 'ContactCentre1764500000000';

  async up(q: QueryRunner): Promise<void> {
    // weekly_hours NULL means always open; otherwise {"mon": [["09:00","17:00"]], ...} in time_zone.
    // desk_groups maps a desk's name to its own group id (LiveChat group_id, Chatwoot team id).
    await q.query(`
      CREATE TABLE teams (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        overflow_seconds integer CHECK (overflow_seconds > 0),
        fallback_team_id uuid REFERENCES teams (id),
        desk_groups jsonb NOT NULL DEFAULT '{}',
        time_zone text NOT NULL DEFAULT 'UTC',
        weekly_hours jsonb,
        holidays jsonb NOT NULL DEFAULT '[]',
        closed_action text NOT NULL DEFAULT 'bot' CHECK (closed_action IN ('bot', 'message')),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (fallback_team_id IS DISTINCT FROM id)
      )`);
    await q.query(`CREATE UNIQUE INDEX teams_name ON teams (lower(name))`);

    // First match by position wins; every non-null condition of a rule must hold.
    await q.query(`
      CREATE TABLE routing_rules (
        id serial PRIMARY KEY,
        position integer NOT NULL DEFAULT 0,
        bot_id text,
        trigger text CHECK (trigger IN ('agent_transfer', 'tone', 'keyword')),
        context_path text,
        context_value text,
        team_id uuid NOT NULL REFERENCES teams (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((context_path IS NULL) = (context_value IS NULL))
      )`);

    await q.query(`
      CREATE TABLE agent_teams (
        agent_id uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
        team_id uuid NOT NULL REFERENCES teams (id),
        PRIMARY KEY (agent_id, team_id)
      )`);
    await q.query(`CREATE INDEX agent_teams_team ON agent_teams (team_id)`);
    await q.query(`ALTER TABLE canned_responses ADD CONSTRAINT canned_responses_team FOREIGN KEY (team_id) REFERENCES teams (id)`);
    await q.query(`ALTER TABLE dispositions ADD CONSTRAINT dispositions_team FOREIGN KEY (team_id) REFERENCES teams (id)`);

    // One row per bot that overrides anything; texts override the BOTS_FILE/default messages key by key.
    await q.query(`
      CREATE TABLE bot_settings (
        bot_id text PRIMARY KEY,
        texts jsonb NOT NULL DEFAULT '{}',
        csat_enabled boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text
      )`);

    // handoff_detail keeps why the user was handed over ({node}, {tone, level}, {keyword}) for good.
    // after_hours: the team was closed; such a conversation may hold a message left for the agents.
    await q.query(`
      ALTER TABLE conversations
        ADD COLUMN team_id uuid,
        ADD COLUMN handoff_detail jsonb,
        ADD COLUMN first_response_at timestamptz,
        ADD COLUMN csat_requested_at timestamptz,
        ADD COLUMN csat_score smallint CHECK (csat_score BETWEEN 1 AND 5),
        ADD COLUMN csat_at timestamptz,
        ADD COLUMN offline_handled_at timestamptz,
        ADD COLUMN offline_handled_by text`);
    await q.query(`ALTER TABLE conversations DROP CONSTRAINT conversations_close_reason_check`);
    await q.query(`
      ALTER TABLE conversations ADD CONSTRAINT conversations_close_reason_check CHECK (close_reason IN
        ('agent_closed', 'user_ended', 'inactivity', 'queue_timeout', 'provider_error', 'platform_reset', 'after_hours'))`);
    await q.query(`CREATE INDEX conversations_team_queue ON conversations (team_id, opened_at) WHERE state = 'queued'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX conversations_team_queue');
    await q.query(`UPDATE conversations SET close_reason = 'queue_timeout' WHERE close_reason = 'after_hours'`);
    await q.query('ALTER TABLE conversations DROP CONSTRAINT conversations_close_reason_check');
    await q.query(`
      ALTER TABLE conversations ADD CONSTRAINT conversations_close_reason_check CHECK (close_reason IN
        ('agent_closed', 'user_ended', 'inactivity', 'queue_timeout', 'provider_error', 'platform_reset'))`);
    await q.query(`
      ALTER TABLE conversations
        DROP COLUMN offline_handled_by, DROP COLUMN offline_handled_at, DROP COLUMN csat_at, DROP COLUMN csat_score,
        DROP COLUMN csat_requested_at, DROP COLUMN first_response_at, DROP COLUMN handoff_detail, DROP COLUMN team_id`);
    await q.query('DROP TABLE bot_settings');
    await q.query('ALTER TABLE dispositions DROP CONSTRAINT dispositions_team');
    await q.query('ALTER TABLE canned_responses DROP CONSTRAINT canned_responses_team');
    await q.query('DROP TABLE agent_teams');
    await q.query('DROP TABLE routing_rules');
    await q.query('DROP TABLE teams');
  }
}
