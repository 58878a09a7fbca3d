import type { SimStore } from '../state/sim.store';
import { MESSAGE_TYPES, type SimConversation, type SimMessage } from '../state/sim.types';
import { accountWebhook, contactPush, contactWebhook, inboxWebhook, userPush, userWebhook } from './people.view';
import { iso, seconds } from './time.util';

/** Message serialisations (app/models/message.rb, app/views/api/v1/models/_message.json.jbuilder). */

/** The integer Chatwoot's API answers carry (`message_type_before_type_cast`). */
export const messageTypeNumber = (m: SimMessage): number => MESSAGE_TYPES.indexOf(m.messageType);

function senderPush(store: SimStore, m: SimMessage): Record<string, unknown> | undefined {
  if (!m.sender) return undefined;
  if (m.sender.type === 'User') {
    const user = store.users.get(m.sender.id);
    return user ? userPush(user) : undefined;
  }
  const contact = store.contacts.get(m.sender.id);
  return contact ? contactPush(contact) : undefined;
}

/** Incoming messages since the agent last looked, at most 10 (`unread_incoming_messages`). */
export function unreadCount(store: SimStore, c: SimConversation): number {
  const since = c.agentLastSeenAt?.getTime() ?? -1;
  const unread = store.messagesOf(c).filter((m) => m.messageType === 'incoming' && m.createdAt.getTime() > since);
  return Math.min(unread.length, 10);
}

/** `Message#push_event_data`: the row's columns, `message_type` as integer, `created_at` in seconds. */
export function messagePush(store: SimStore, m: SimMessage): Record<string, unknown> {
  const conversation = store.conversations.get(m.conversationId)!;
  const contactInbox = store.contactInboxes.get(conversation.contactInboxId);
  const data: Record<string, unknown> = {
    id: m.id,
    content: m.content,
    account_id: m.accountId,
    inbox_id: m.inboxId,
    conversation_id: conversation.displayId,
    message_type: messageTypeNumber(m),
    created_at: seconds(m.createdAt),
    updated_at: iso(m.updatedAt),
    private: m.private,
    status: m.status,
    source_id: m.sourceId,
    content_type: m.contentType,
    content_attributes: m.contentAttributes,
    sender_type: m.sender?.type ?? null,
    sender_id: m.sender?.id ?? null,
    external_source_ids: {},
    additional_attributes: m.additionalAttributes,
    processed_message_content: m.content,
    sentiment: {},
    conversation: {
      assignee_id: conversation.assigneeId,
      unread_count: unreadCount(store, conversation),
      last_activity_at: seconds(conversation.lastActivityAt),
      contact_inbox: { source_id: contactInbox?.sourceId ?? null },
    },
  };
  const sender = senderPush(store, m);
  if (sender) data.sender = sender;
  return data;
}

/** The `_message` partial that `GET .../messages` and `POST .../messages` answer with. */
export function messageApi(store: SimStore, m: SimMessage): Record<string, unknown> {
  const conversation = store.conversations.get(m.conversationId)!;
  const view: Record<string, unknown> = {
    id: m.id,
    content: m.content,
    inbox_id: m.inboxId,
    conversation_id: conversation.displayId,
    message_type: messageTypeNumber(m),
    content_type: m.contentType,
    status: m.status,
    content_attributes: m.contentAttributes,
    created_at: seconds(m.createdAt),
    private: m.private,
    source_id: m.sourceId,
  };
  const sender = senderPush(store, m);
  if (sender) view.sender = sender;
  return view;
}

/**
 * `Message#webhook_data`: here `message_type` is the enum's name and `created_at` an ISO time.
 * `conversation` is passed in so one event serialises the conversation once.
 */
export function messageWebhook(store: SimStore, m: SimMessage, conversation: Record<string, unknown>): Record<string, unknown> {
  let sender: Record<string, unknown> | null = null;
  if (m.sender?.type === 'User') {
    const user = store.users.get(m.sender.id);
    sender = user ? userWebhook(user) : null;
  } else if (m.sender?.type === 'Contact') {
    const contact = store.contacts.get(m.sender.id);
    sender = contact ? contactWebhook(store, contact) : null;
  }
  return {
    account: accountWebhook(store.accounts.get(m.accountId)!),
    additional_attributes: m.additionalAttributes,
    content_attributes: m.contentAttributes,
    content_type: m.contentType,
    content: m.content,
    conversation,
    created_at: iso(m.createdAt),
    id: m.id,
    inbox: inboxWebhook(store.inboxes.get(m.inboxId)!),
    message_type: m.messageType,
    private: m.private,
    sender,
    source_id: m.sourceId,
  };
}
