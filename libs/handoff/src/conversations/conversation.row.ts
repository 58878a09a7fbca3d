import type { BotkitPayload } from '@agent-bridge/botkit';
import type { HandoffDetail } from '../desk-port/desk-session';
import type { CloseReason, Conversation, ConversationState, HandoffTrigger } from './conversation.types';

/** Explicit columns: a prepared statement must keep its result shape when a migration adds one. */
export const COLUMNS = `id, bot_id, visitor_key, state, trigger, provider, provider_ref, agent_id, agent_name, user_name,
  latest_request_id, latest_payload, opened_at, assigned_at, closed_at, close_reason, last_activity_at, team_id, handoff_detail`;

export const PREFIXED = COLUMNS.split(',').map((c) => `c.${c.trim()}`).join(', ');
/** Without the request context: the hot path has just written it and needs no copy back. */
export const QUALIFIED_LEAN = COLUMNS.split(',').map((c) => c.trim()).filter((c) => c !== 'latest_payload').map((c) => `conversations.${c}`).join(', ');

export interface Row {
  id: string;
  bot_id: string;
  visitor_key: string;
  state: ConversationState;
  trigger: HandoffTrigger;
  provider: string;
  provider_ref: string | null;
  agent_id: string | null;
  agent_name: string | null;
  user_name: string | null;
  latest_request_id: string;
  latest_payload: BotkitPayload;
  opened_at: Date;
  assigned_at: Date | null;
  closed_at: Date | null;
  close_reason: CloseReason | null;
  last_activity_at: Date;
  team_id: string | null;
  handoff_detail: HandoffDetail | null;
}

export function toConversation(row: Row): Conversation {
  return {
    id: row.id,
    botId: row.bot_id,
    visitorKey: row.visitor_key,
    state: row.state,
    trigger: row.trigger,
    provider: row.provider,
    providerRef: row.provider_ref,
    agentId: row.agent_id,
    agentName: row.agent_name,
    userName: row.user_name,
    latestRequestId: row.latest_request_id,
    latestPayload: row.latest_payload,
    openedAt: row.opened_at,
    assignedAt: row.assigned_at,
    closedAt: row.closed_at,
    closeReason: row.close_reason,
    lastActivityAt: row.last_activity_at,
    teamId: row.team_id,
    handoffDetail: row.handoff_detail,
  };
}
