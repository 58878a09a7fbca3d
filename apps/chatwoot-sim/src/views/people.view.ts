import type { SimStore } from '../state/sim.store';
import type { SimAccount, SimContact, SimInbox, SimTeam, SimUser } from '../state/sim.types';
import { iso, seconds } from './time.util';

/** Serialisations of contacts, users, teams, inboxes and accounts (app/models/*, app/views/api/v1/models/*). */

export const accountWebhook = (a: SimAccount): Record<string, unknown> => ({ id: a.id, name: a.name });

export const inboxWebhook = (i: SimInbox): Record<string, unknown> => ({ id: i.id, name: i.name });

/** `Contact#push_event_data`. */
export function contactPush(c: SimContact): Record<string, unknown> {
  return {
    additional_attributes: c.additionalAttributes,
    custom_attributes: c.customAttributes,
    email: c.email,
    id: c.id,
    identifier: c.identifier,
    name: c.name,
    phone_number: c.phoneNumber,
    thumbnail: '',
    blocked: c.blocked,
    type: 'contact',
  };
}

/** `Contact#webhook_data`; `type` is in the webhook documentation's contact object. */
export function contactWebhook(store: SimStore, c: SimContact): Record<string, unknown> {
  return {
    account: accountWebhook(store.accounts.get(c.accountId)!),
    additional_attributes: c.additionalAttributes,
    avatar: '',
    custom_attributes: c.customAttributes,
    email: c.email,
    id: c.id,
    identifier: c.identifier,
    name: c.name,
    phone_number: c.phoneNumber,
    thumbnail: '',
    blocked: c.blocked,
    type: 'contact',
  };
}

/** `User#push_event_data`. */
export function userPush(u: SimUser): Record<string, unknown> {
  return { id: u.id, name: u.name, available_name: u.name, avatar_url: '', type: 'user', availability_status: u.availability, thumbnail: '' };
}

/** `User#webhook_data`. */
export const userWebhook = (u: SimUser): Record<string, unknown> => ({ id: u.id, name: u.name, email: u.email, type: 'user' });

/** The `api/v1/models/_agent` partial. */
export function agentApi(u: SimUser, accountId: number): Record<string, unknown> {
  return {
    id: u.id,
    account_id: accountId,
    availability_status: u.availability,
    auto_offline: true,
    confirmed: true,
    email: u.email,
    available_name: u.name,
    name: u.name,
    role: u.role,
    thumbnail: '',
  };
}

/** The `api/v1/models/_team` partial, `is_member` for the caller. */
export function teamApi(t: SimTeam, callerId: number): Record<string, unknown> {
  return { id: t.id, name: t.name, description: t.description, allow_auto_assign: t.allowAutoAssign, account_id: t.accountId, is_member: t.memberIds.includes(callerId) };
}

/** `render json: @team`: the record's columns. */
export function teamRecord(t: SimTeam): Record<string, unknown> {
  return { id: t.id, name: t.name, description: t.description, allow_auto_assign: t.allowAutoAssign, account_id: t.accountId, created_at: iso(t.createdAt), updated_at: iso(t.updatedAt) };
}

export const teamPush = (t: SimTeam): Record<string, unknown> => ({ id: t.id, name: t.name });

/** The `api/v1/models/_inbox` partial, for an API channel as seen by an administrator. */
export function inboxApi(i: SimInbox): Record<string, unknown> {
  return {
    id: i.id,
    avatar_url: '',
    channel_id: i.channelId,
    name: i.name,
    channel_type: i.channelType,
    greeting_enabled: false,
    greeting_message: null,
    working_hours_enabled: false,
    enable_email_collect: true,
    csat_survey_enabled: false,
    enable_auto_assignment: i.enableAutoAssignment,
    out_of_office_message: null,
    timezone: 'UTC',
    callback_webhook_url: null,
    allow_messages_after_resolved: true,
    lock_to_single_conversation: false,
    sender_name_type: 'friendly',
    business_name: null,
    webhook_url: null,
    inbox_identifier: `sandbox-inbox-${i.id}`,
    additional_attributes: {},
  };
}

/** The `api/v1/models/_contact` partial; `contact_inboxes` only on the /contacts endpoints. */
export function contactApi(store: SimStore, c: SimContact, withContactInboxes: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = {
    additional_attributes: c.additionalAttributes,
    availability_status: 'offline',
    email: c.email,
    id: c.id,
    name: c.name,
    phone_number: c.phoneNumber,
    blocked: c.blocked,
    identifier: c.identifier,
    thumbnail: '',
    custom_attributes: c.customAttributes,
  };
  if (c.lastActivityAt) view.last_activity_at = seconds(c.lastActivityAt);
  view.created_at = seconds(c.createdAt);
  if (withContactInboxes) {
    view.contact_inboxes = store.contactInboxesOf(c.id).map((ci) => ({ source_id: ci.sourceId, inbox: inboxApi(store.inboxes.get(ci.inboxId)!) }));
  }
  return view;
}
