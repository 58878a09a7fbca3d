export const LIVECHAT_V2 = 'livechat-v2';

export interface V2Event {
  /** Grows within a chat, so it is the poll cursor. */
  message_id: number;
  timestamp?: number;
  type: string;
  user_type?: 'agent' | 'visitor' | string;
  text?: string;
  agent?: { name?: string; job_title?: string; avatar?: string };
}

/** Named as on the wire. The `secured_session_id` is also the conversation's provider ref. */
export interface LiveChatV2ChatState {
  visitor_id: string;
  secured_session_id: string;
  /** Only ever moves forward. */
  last_message_id: number;
}
