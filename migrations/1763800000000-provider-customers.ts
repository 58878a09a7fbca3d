import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The same visitor is the same desk customer every time (LiveChat's `entity_id`); chat state survives restarts. */
export class ProviderCustomers1763800000000 implements MigrationInterface {
  name = 'ProviderCustomers1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE provider_customers (
        provider text NOT NULL,
        bot_id text NOT NULL,
        visitor_key text NOT NULL,
        customer_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, bot_id, visitor_key)
      )`);
    await q.query(`
      CREATE TABLE provider_chat_state (
        conversation_id uuid PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
        provider text NOT NULL,
        state jsonb NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE provider_chat_state');
    await q.query('DROP TABLE provider_customers');
  }
}
