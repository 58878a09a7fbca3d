import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The transcript doubles as the per-conversation delivery outbox. */
export class HandoffSchema1763700000000 implements MigrationInterface {
  name = 'HandoffSchema1763700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE conversations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        bot_id text NOT NULL,
        visitor_key text NOT NULL,
        state text NOT NULL CHECK (state IN ('queued', 'assigned', 'closed')),
        trigger text NOT NULL CHECK (trigger IN ('agent_transfer', 'tone', 'keyword')),
        provider text NOT NULL,
        provider_ref text,
        agent_id text,
        agent_name text,
        user_name text,
        latest_request_id text NOT NULL,
        latest_payload jsonb NOT NULL,
        opened_at timestamptz NOT NULL DEFAULT now(),
        assigned_at timestamptz,
        closed_at timestamptz,
        close_reason text CHECK (close_reason IN
          ('agent_closed', 'user_ended', 'inactivity', 'queue_timeout', 'provider_error', 'platform_reset')),
        last_activity_at timestamptz NOT NULL DEFAULT now(),
        platform_cleared_at timestamptz,
        disposition text
      )`);
    // One active session per bot and visitor: the database settles a race between two instances.
    await q.query(`CREATE UNIQUE INDEX conversations_one_active ON conversations (bot_id, visitor_key) WHERE state <> 'closed'`);
    // A desk may reuse its chat id for a visitor's next session (LiveChat: one chat per customer,
    // a new thread each time), so the id is unique among open sessions only.
    await q.query(`CREATE UNIQUE INDEX conversations_provider_ref ON conversations (provider, provider_ref) WHERE provider_ref IS NOT NULL AND state <> 'closed'`);
    await q.query(`CREATE INDEX conversations_provider_ref_all ON conversations (provider, provider_ref, opened_at DESC)`);
    await q.query(`CREATE INDEX conversations_state ON conversations (state, opened_at) WHERE state <> 'closed'`);
    await q.query(`CREATE INDEX conversations_visitor ON conversations (bot_id, visitor_key, opened_at DESC)`);

    await q.query(`
      CREATE TABLE conversation_transitions (
        id bigserial PRIMARY KEY,
        conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        from_state text,
        to_state text NOT NULL,
        reason text,
        actor text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX conversation_transitions_conversation ON conversation_transitions (conversation_id, id)`);

    await q.query(`
      CREATE TABLE transcript_messages (
        id bigserial PRIMARY KEY,
        conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        -- 'internal': private notes between agents, never delivered to the user.
        direction text NOT NULL CHECK (direction IN ('to_agent', 'to_user', 'internal')),
        author text NOT NULL CHECK (author IN ('user', 'agent', 'system', 'note')),
        author_name text,
        text text NOT NULL,
        external_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- When the author sent it, by the desk's clock: webhooks may arrive out of order.
        sent_at timestamptz NOT NULL DEFAULT now(),
        delivery_state text NOT NULL DEFAULT 'pending' CHECK (delivery_state IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        delivered_at timestamptz,
        last_error text
      )`);
    // At-least-once from the other side: the same message id is stored (and delivered) once.
    await q.query(`CREATE UNIQUE INDEX transcript_messages_external ON transcript_messages (conversation_id, direction, external_id) WHERE external_id IS NOT NULL`);
    await q.query(`CREATE INDEX transcript_messages_pending ON transcript_messages (conversation_id, direction, sent_at, id) WHERE delivery_state = 'pending'`);
    await q.query(`CREATE INDEX transcript_messages_conversation ON transcript_messages (conversation_id, id)`);

    await q.query(`
      CREATE TABLE bot_variables (
        bot_id text NOT NULL,
        language text NOT NULL,
        variables jsonb NOT NULL,
        fetched_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (bot_id, language)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE bot_variables');
    await q.query('DROP TABLE transcript_messages');
    await q.query('DROP TABLE conversation_transitions');
    await q.query('DROP TABLE conversations');
  }
}
