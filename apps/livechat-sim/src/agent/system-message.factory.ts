import type { SimEvent } from '../state/chat.types';

/**
 * LiveChat's documented texts, but `routing.assigned` (only its `routing.assigned_*` variants are
 * documented) is [unverified]: posted when the first agent takes a chat; `agent_joined` for later ones.
 */
export const SYSTEM_MESSAGE_TEXTS = {
  'routing.assigned': 'Chat assigned to %agent%',
  agent_joined: '%agent% joined the chat',
  chat_transferred: '%initiator% transferred the chat to %targets%',
  manual_archived_agent: '%agent% archived the chat',
  manual_archived_customer: '%customer% archived the chat',
  archived_customer_disconnected: '%customer% left the chat',
  'routing.archived_inactive': 'Chat archived due to %duration% minutes of inactivity',
  'routing.archived_offline': 'Chat archived due to no available agents',
  'routing.archived_signed_out': 'The chat was closed because %agent% had signed out',
  'routing.idle': 'Chat is idle due to %duration% minutes of inactivity',
} as const;

export type SystemMessageType = keyof typeof SYSTEM_MESSAGE_TEXTS;

/** A system message has no `author_id`, `custom_id` or `properties` (LiveChat's data structures). */
export function systemMessage(type: SystemMessageType, textVars: Record<string, string> = {}): Omit<SimEvent, 'id' | 'created_at'> {
  const text = SYSTEM_MESSAGE_TEXTS[type].replace(/%(\w+)%/g, (_, name: string) => textVars[name] ?? '');
  const event: Omit<SimEvent, 'id' | 'created_at'> = { type: 'system_message', system_message_type: type, text, visibility: 'all' };
  if (Object.keys(textVars).length > 0) event.text_vars = textVars;
  return event;
}

export function minutes(seconds: number): string {
  return String(Math.max(1, Math.round(seconds / 60)));
}
