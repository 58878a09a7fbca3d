import type { BotkitPayload } from '@agent-bridge/botkit';
import type { ProviderChat } from './desk-adapter';

/** Desks read sessions and change them only through DeskEvents. */
export type ConversationState = 'queued' | 'assigned' | 'closed';
export type HandoffTrigger = 'agent_transfer' | 'tone' | 'keyword';
export type CloseReason = 'agent_closed' | 'user_ended' | 'inactivity' | 'queue_timeout' | 'provider_error' | 'platform_reset' | 'after_hours';

export interface Conversation {
  id: string;
  botId: string;
  visitorKey: string;
  state: ConversationState;
  trigger: HandoffTrigger;
  provider: string;
  providerRef: string | null;
  agentId: string | null;
  agentName: string | null;
  userName: string | null;
  latestRequestId: string;
  latestPayload: BotkitPayload;
  openedAt: Date;
  assignedAt: Date | null;
  closedAt: Date | null;
  closeReason: CloseReason | null;
  lastActivityAt: Date;
  /** The team whose queue it is in; null: the general queue. */
  teamId: string | null;
  /** Why it was handed over, kept for good. */
  handoffDetail: HandoffDetail | null;
}

/** `{node}` for an agent-transfer node, `{tone, level}` for a tone escalation, `{keyword}` for a keyword. */
export interface HandoffDetail {
  node?: string;
  tone?: string;
  level?: number;
  keyword?: string;
}


export type Direction = 'to_agent' | 'to_user' | 'internal';
export type Author = 'user' | 'agent' | 'system' | 'note';
export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface TranscriptMessage {
  id: string;
  conversationId: string;
  direction: Direction;
  author: Author;
  authorName: string | null;
  text: string;
  externalId: string | null;
  createdAt: Date;
  deliveryState: DeliveryState;
  attempts: number;
}

/** Null while the desk's chat is not open yet. */
export function providerChatOf(conversation: Conversation): ProviderChat | null {
  if (!conversation.providerRef) return null;
  return {
    conversationId: conversation.id,
    ref: conversation.providerRef,
    botId: conversation.botId,
    visitorKey: conversation.visitorKey,
    agentId: conversation.agentId,
  };
}
