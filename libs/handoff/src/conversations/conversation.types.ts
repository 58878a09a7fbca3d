
import type { ConversationState } from '../desk-port/desk-session';

export type { CloseReason, Conversation, ConversationState, HandoffTrigger } from '../desk-port/desk-session';

/** What other modules (console, ops, metrics) hear about: every transition, once. */
export interface HandoffTransition {
  conversationId: string;
  botId: string;
  visitorKey: string;
  provider: string;
  from: ConversationState | 'bot';
  to: ConversationState;
  reason: string | null;
  actor: string;
  at: string;
}
