import type { SimStore } from '../state/sim.store';
import type { SimConversation } from '../state/sim.types';
import { messagePush, unreadCount } from './message.view';
import { agentApi, contactApi, contactPush, teamApi, teamPush, userPush } from './people.view';
import { iso, seconds, secondsFloat } from './time.util';

/** Conversation serialisations (Conversations::EventDataPresenter, the conversation jbuilder partial). */

function contactInboxRecord(store: SimStore, c: SimConversation): Record<string, unknown> | null {
  const ci = store.contactInboxes.get(c.contactInboxId);
  if (!ci) return null;
  return {
    id: ci.id,
    contact_id: ci.contactId,
    inbox_id: ci.inboxId,
    source_id: ci.sourceId,
    created_at: iso(ci.createdAt),
    updated_at: iso(ci.updatedAt),
    hmac_verified: ci.hmacVerified,
    pubsub_token: ci.pubsubToken,
  };
}

/** `push_data`, which is also `Conversation#webhook_data`: what every conversation webhook carries. */
export function conversationPushData(store: SimStore, c: SimConversation): Record<string, unknown> {
  const last = store.lastChatMessage(c);
  const assignee = store.users.get(c.assigneeId ?? -1);
  const team = store.teams.get(c.teamId ?? -1);
  const contactInbox = store.contactInboxes.get(c.contactInboxId);
  return {
    additional_attributes: c.additionalAttributes,
    can_reply: true,
    channel: store.inboxes.get(c.inboxId)?.channelType ?? null,
    contact_inbox: contactInboxRecord(store, c),
    id: c.displayId,
    inbox_id: c.inboxId,
    messages: last ? [messagePush(store, last)] : [],
    labels: [],
    meta: {
      sender: contactPush(store.contacts.get(c.contactId)!),
      assignee: assignee ? userPush(assignee) : null,
      team: team ? teamPush(team) : null,
      hmac_verified: contactInbox?.hmacVerified ?? false,
    },
    status: c.status,
    custom_attributes: c.customAttributes,
    snoozed_until: iso(c.snoozedUntil),
    unread_count: unreadCount(store, c),
    first_reply_created_at: iso(c.firstReplyCreatedAt),
    priority: null,
    waiting_since: seconds(c.waitingSince),
    agent_last_seen_at: seconds(c.agentLastSeenAt),
    contact_last_seen_at: seconds(c.contactLastSeenAt),
    last_activity_at: seconds(c.lastActivityAt),
    timestamp: seconds(c.lastActivityAt),
    created_at: seconds(c.createdAt),
    updated_at: secondsFloat(c.updatedAt),
  };
}

/** The `api/v1/conversations/partials/_conversation` partial: what the conversation endpoints answer. */
export function conversationApi(store: SimStore, c: SimConversation, callerId: number): Record<string, unknown> {
  const assignee = store.users.get(c.assigneeId ?? -1);
  const team = store.teams.get(c.teamId ?? -1);
  const meta: Record<string, unknown> = {
    sender: contactApi(store, store.contacts.get(c.contactId)!, false),
    channel: store.inboxes.get(c.inboxId)?.channelType ?? null,
  };
  if (assignee) meta.assignee = agentApi(assignee, c.accountId);
  if (team) meta.team = teamApi(team, callerId);
  meta.hmac_verified = store.contactInboxes.get(c.contactInboxId)?.hmacVerified ?? false;
  const all = store.messagesOf(c);
  const last = all[all.length - 1];
  const lastNonActivity = [...all].reverse().find((m) => m.messageType !== 'activity');
  return {
    meta,
    id: c.displayId,
    messages: last ? [messagePush(store, last)] : [],
    account_id: c.accountId,
    uuid: c.uuid,
    additional_attributes: c.additionalAttributes,
    agent_last_seen_at: seconds(c.agentLastSeenAt),
    assignee_last_seen_at: seconds(c.assigneeLastSeenAt),
    can_reply: true,
    contact_last_seen_at: seconds(c.contactLastSeenAt),
    custom_attributes: c.customAttributes,
    inbox_id: c.inboxId,
    labels: [],
    muted: false,
    snoozed_until: iso(c.snoozedUntil),
    status: c.status,
    created_at: seconds(c.createdAt),
    updated_at: secondsFloat(c.updatedAt),
    timestamp: seconds(c.lastActivityAt),
    first_reply_created_at: seconds(c.firstReplyCreatedAt),
    unread_count: unreadCount(store, c),
    last_non_activity_message: lastNonActivity ? messagePush(store, lastNonActivity) : null,
    last_activity_at: seconds(c.lastActivityAt),
    priority: null,
    waiting_since: seconds(c.waitingSince),
    sla_policy_id: null,
  };
}
