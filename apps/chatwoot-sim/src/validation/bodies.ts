import { unprocessable } from '../common/api-error';
import { isPlainObject } from '../common/http-io.util';
import { present, toBool } from '../common/params.util';
import type { NewContact } from '../domain/contacts.service';
import type { NewConversation } from '../domain/conversations.service';
import type { NewMessage } from '../domain/messages.service';
import { CONTENT_TYPES, type ConversationStatus } from '../state/sim.types';
import { attributes, type Body, oneOf, optionalDate, optionalId, optionalString } from './fields';

/** The request bodies of the simulated endpoints, checked as the Chatwoot reference describes them. */

// Message#content's length validation.
const MAX_CONTENT = 150_000;

export function contactBody(body: Body): NewContact {
  return {
    inboxId: optionalId(body, 'inbox_id'),
    sourceId: optionalString(body, 'source_id') || undefined,
    name: optionalString(body, 'name'),
    email: optionalString(body, 'email'),
    phoneNumber: optionalString(body, 'phone_number'),
    identifier: optionalString(body, 'identifier'),
    blocked: toBool(body.blocked),
    additionalAttributes: attributes(body, 'additional_attributes'),
    customAttributes: attributes(body, 'custom_attributes'),
  };
}

export function messageBody(body: Body): NewMessage {
  const content = body.content;
  if (typeof content !== 'string' || content === '') throw unprocessable('content is required');
  if (content.length > MAX_CONTENT) throw unprocessable(`Content is too long (maximum is ${MAX_CONTENT} characters)`);
  return {
    content,
    messageType: oneOf(body, 'message_type', ['incoming', 'outgoing'] as const) ?? 'outgoing',
    private: toBool(body.private) ?? false,
    contentType: oneOf(body, 'content_type', CONTENT_TYPES) ?? 'text',
    contentAttributes: attributes(body, 'content_attributes'),
    sourceId: optionalString(body, 'source_id') || null,
  };
}

export function conversationBody(body: Body): NewConversation {
  let message: NewConversation['message'];
  if (present(body.message)) {
    if (!isPlainObject(body.message)) throw unprocessable('message must be an object');
    message = messageBody(body.message);
  }
  return {
    sourceId: optionalString(body, 'source_id') || undefined,
    inboxId: optionalId(body, 'inbox_id'),
    contactId: optionalId(body, 'contact_id'),
    // The reference lists three; the model's enum (which the builder writes to) also takes `snoozed`.
    status: oneOf(body, 'status', ['open', 'resolved', 'pending', 'snoozed'] as const),
    assigneeId: optionalId(body, 'assignee_id'),
    teamId: optionalId(body, 'team_id'),
    customAttributes: attributes(body, 'custom_attributes'),
    additionalAttributes: attributes(body, 'additional_attributes'),
    snoozedUntil: optionalDate(body, 'snoozed_until'),
    message,
  };
}

export function toggleStatusBody(body: Body): { status?: ConversationStatus; snoozedUntil?: Date } {
  return { status: oneOf(body, 'status', ['open', 'resolved', 'pending', 'snoozed'] as const), snoozedUntil: optionalDate(body, 'snoozed_until') };
}

/** `assignee_id` wins when both keys are sent; a `null` value unassigns. Neither key: nothing happens. */
export function assignmentBody(body: Body): { kind: 'agent' | 'team'; id: number | null } | undefined {
  const key = 'assignee_id' in body ? 'assignee_id' : 'team_id' in body ? 'team_id' : undefined;
  if (!key) return undefined;
  return { kind: key === 'assignee_id' ? 'agent' : 'team', id: optionalId(body, key) ?? null };
}

export function customAttributesBody(body: Body): { attributes: Record<string, unknown>; merge: boolean } {
  if (!isPlainObject(body.custom_attributes)) throw unprocessable('custom_attributes must be an object');
  return { attributes: body.custom_attributes, merge: toBool(body.merge) ?? false };
}

export function typingBody(body: Body): { status: string; isPrivate: boolean } {
  return { status: optionalString(body, 'typing_status') ?? '', isPrivate: toBool(body.is_private) ?? false };
}
