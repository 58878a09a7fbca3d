import type { DataSource } from 'typeorm';
import { LIVECHAT_V2, type LiveChatV2ChatState } from './livechat-v2.types';
import { DeskStateStore } from '@agent-bridge/desk-port';

/**
 * The cursor has its own statement because polls of one chat can overlap (a slow poll and the next
 * tick, or a retry): a plain merge could move it backwards.
 */
export class LiveChatV2ChatStateStore {
  constructor(
    private readonly states: DeskStateStore,
    private readonly db: DataSource,
  ) {}

  async get(conversationId: string): Promise<LiveChatV2ChatState | null> {
    const state = await this.states.chatState<LiveChatV2ChatState>(conversationId);
    if (!state.visitor_id || !state.secured_session_id) return null;
    return { visitor_id: state.visitor_id, secured_session_id: state.secured_session_id, last_message_id: Number(state.last_message_id ?? 0) };
  }

  /** The same session again (a retried open) keeps its cursor; a new one starts at 0, as its message ids do. */
  async opened(conversationId: string, visitorId: string, sessionId: string): Promise<void> {
    const current = await this.get(conversationId);
    if (current?.secured_session_id === sessionId) return;
    const state: LiveChatV2ChatState = { visitor_id: visitorId, secured_session_id: sessionId, last_message_id: 0 };
    await this.states.patchChatState(conversationId, LIVECHAT_V2, state);
  }

  async advance(conversationId: string, messageId: number): Promise<void> {
    await this.db.query(
      `UPDATE provider_chat_state
         SET state = jsonb_set(state, '{last_message_id}', to_jsonb(GREATEST(COALESCE((state->>'last_message_id')::bigint, 0), $2::bigint))),
             updated_at = now()
       WHERE conversation_id = $1`,
      [conversationId, messageId],
    );
  }
}
