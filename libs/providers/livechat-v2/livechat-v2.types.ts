/** The HANDOFF_PROVIDER value, and the `provider` of its conversations and desk events. */
export const LIVECHAT_V2 = 'livechat-v2';

/** One `get_pending_messages` event (reference §1); any other `type` is skipped. */
export interface V2Event {
  /** Grows within a chat: the poll cursor. */
  message_id: number;
  timestamp?: number;
  type: string;
  user_type?: 'agent' | 'visitor' | string;
  text?: string;
  agent?: { name?: string; job_title?: string; avatar?: string };
}

/**
 * What a v2 chat needs across restarts, in `provider_chat_state` (named as on the wire). The
 * `secured_session_id` is also the conversation's provider ref.
 */
export interface LiveChatV2ChatState {
  visitor_id: string;
  secured_session_id: string;
  /** Highest event id already handled; only ever moves forward. */
  last_message_id: number;
}
