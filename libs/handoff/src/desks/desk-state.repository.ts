import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DeskStateStore } from '../desk-port/desk-state.store';

@Injectable()
export class DeskStateRepository implements DeskStateStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async customerId(provider: string, botId: string, visitorKey: string): Promise<string | null> {
    const rows: Array<{ customer_id: string }> = await this.db.query(
      `SELECT customer_id FROM provider_customers WHERE provider = $1 AND bot_id = $2 AND visitor_key = $3`,
      [provider, botId, visitorKey],
    );
    return rows[0]?.customer_id ?? null;
  }

  async saveCustomerId(provider: string, botId: string, visitorKey: string, customerId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO provider_customers (provider, bot_id, visitor_key, customer_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (provider, bot_id, visitor_key) DO UPDATE SET customer_id = EXCLUDED.customer_id`,
      [provider, botId, visitorKey, customerId],
    );
  }

  async chatState<T extends object>(conversationId: string): Promise<Partial<T>> {
    const rows: Array<{ state: T }> = await this.db.query(`SELECT state FROM provider_chat_state WHERE conversation_id = $1`, [conversationId]);
    return rows[0]?.state ?? {};
  }

  async patchChatState(conversationId: string, provider: string, patch: object): Promise<void> {
    await this.db.query(
      `INSERT INTO provider_chat_state (conversation_id, provider, state) VALUES ($1, $2, $3)
       ON CONFLICT (conversation_id) DO UPDATE SET state = provider_chat_state.state || EXCLUDED.state, updated_at = now()`,
      [conversationId, provider, JSON.stringify(patch)],
    );
  }

  async advanceCursor(conversationId: string, key: string, value: number): Promise<void> {
    await this.db.query(
      `UPDATE provider_chat_state
         SET state = jsonb_set(state, ARRAY[$2::text], to_jsonb(GREATEST(COALESCE((state->>$2)::bigint, 0), $3::bigint))),
             updated_at = now()
       WHERE conversation_id = $1`,
      [conversationId, key, value],
    );
  }
}
