import { LIVECHAT_V2, type LiveChatV2ChatState } from './livechat-v2.types';
import { DeskStateStore } from '@agent-bridge/desk-port';

/** The cursor only moves forward (advanceCursor): polls of one chat can overlap, a plain merge could move it back. */
export class LiveChatV2ChatStateStore {
  constructor(private readonly states: DeskStateStore) {}

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
    await this.states.advanceCursor(conversationId, 'last_message_id', messageId);
  }
}
