import type { SimStore } from './state/sim.store';
import type { SimConversation, SimMessage } from './state/sim.types';
import { iso } from './views/time.util';

/** Plain views of the sandbox's state for tests and the agent page (not Chatwoot's wire format). */
export interface MessageSnapshot {
  id: number;
  content: string | null;
  messageType: SimMessage['messageType'];
  private: boolean;
  sender: { type: 'User' | 'Contact'; id: number; name: string } | null;
  createdAt: string;
}

export interface ConversationSnapshot {
  id: number;
  status: SimConversation['status'];
  inboxId: number;
  contact: { id: number; name: string; identifier: string | null };
  sourceId: string | null;
  assigneeId: number | null;
  teamId: number | null;
  customAttributes: Record<string, unknown>;
  waitingSince: string | null;
  lastActivityAt: string;
  messages: MessageSnapshot[];
}

export function messageSnapshot(store: SimStore, m: SimMessage): MessageSnapshot {
  let sender: MessageSnapshot['sender'] = null;
  if (m.sender?.type === 'User') sender = { type: 'User', id: m.sender.id, name: store.users.get(m.sender.id)?.name ?? '' };
  if (m.sender?.type === 'Contact') sender = { type: 'Contact', id: m.sender.id, name: store.contacts.get(m.sender.id)?.name ?? '' };
  return { id: m.id, content: m.content, messageType: m.messageType, private: m.private, sender, createdAt: m.createdAt.toISOString() };
}

export function conversationSnapshot(store: SimStore, c: SimConversation): ConversationSnapshot {
  const contact = store.contacts.get(c.contactId)!;
  return {
    id: c.displayId,
    status: c.status,
    inboxId: c.inboxId,
    contact: { id: contact.id, name: contact.name, identifier: contact.identifier },
    sourceId: store.contactInboxes.get(c.contactInboxId)?.sourceId ?? null,
    assigneeId: c.assigneeId,
    teamId: c.teamId,
    customAttributes: c.customAttributes,
    waitingSince: iso(c.waitingSince),
    lastActivityAt: c.lastActivityAt.toISOString(),
    messages: store.messagesOf(c).map((m) => messageSnapshot(store, m)),
  };
}
