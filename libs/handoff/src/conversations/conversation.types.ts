import type { BotkitPayload } from '@agent-bridge/botkit';

export type ConversationState = 'queued' | 'assigned' | 'closed';
export type HandoffTrigger = 'agent_transfer' | 'tone' | 'keyword';
export type CloseReason = 'agent_closed' | 'user_ended' | 'inactivity' | 'queue_timeout' | 'provider_error' | 'platform_reset';

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
}

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
