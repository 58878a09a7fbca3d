import type { LaneInboxService } from '@agent-bridge/events';
import { idOf, isAgentReply, nameOf, readMessage, type ChatwootMessage } from './chatwoot-message';

/** The desk's name (HANDOFF_PROVIDER) and the kind of its lanes: one ordered lane per Chatwoot conversation. */
export const CHATWOOT = 'chatwoot';
export const CHATWOOT_LANE = 'chatwoot';

export interface ChatwootAgent {
  id: string;
  name: string;
}

/**
 * What a conversation's lane holds: the part of a webhook this desk acts on (Chatwoot's payloads
 * carry the whole conversation; the lane keeps a few fields), or a catch-up, which only the bridge
 * appends: no webhook can ask for one.
 */
export type ChatwootLaneItem =
  | { kind: 'message'; message: ChatwootMessage }
  | { kind: 'assignee'; assignee: ChatwootAgent | null; previousId: string | null }
  | { kind: 'status'; status: string; previous: string | null; assignee: ChatwootAgent | null }
  | { kind: 'catch-up' };

/** A lane item as stored: the conversation it belongs to and when the bridge accepted it. */
export interface ChatwootLaneRecord {
  ref: string;
  receivedAt: number;
  item: ChatwootLaneItem;
}

export interface LaneEntry {
  /** The conversation's display id: what the Application API's paths and the webhooks name it by. */
  ref: string;
  /** Stable across Chatwoot's retries of the webhook, and across the account and inbox webhooks of one event. */
  dedupeKey: string;
  item: ChatwootLaneItem;
}

type Raw = Record<string, unknown>;

/**
 * The lane entry of a webhook, or null for what this desk ignores: other inboxes, our own user
 * messages (incoming), private notes, activity, and conversation changes other than the
 * assignee and the status.
 */
export function laneEntryOf(body: Raw, inboxId: number): LaneEntry | null {
  const conversation = (body.conversation ?? {}) as Raw;
  switch (body.event) {
    case 'message_created': {
      if (!sameInbox((body.inbox as Raw | undefined)?.id ?? conversation.inbox_id, inboxId)) return null;
      const ref = idOf(conversation.id);
      const message = readMessage(body);
      if (!ref || !message || !isAgentReply(message)) return null;
      return { ref, dedupeKey: messageDedupeKey(message.id), item: { kind: 'message', message } };
    }
    case 'conversation_status_changed': {
      const ref = idOf(body.id);
      if (!ref || !sameInbox(body.inbox_id, inboxId) || typeof body.status !== 'string') return null;
      const previous = changed(body, 'status')?.previous_value;
      return {
        ref,
        dedupeKey: `cw.status.${ref}.${body.status}.${versionOf(body)}`,
        item: { kind: 'status', status: body.status, previous: typeof previous === 'string' ? previous : null, assignee: assigneeOf(body) },
      };
    }
    case 'conversation_updated': {
      const ref = idOf(body.id);
      const change = changed(body, 'assignee_id');
      if (!ref || !change || !sameInbox(body.inbox_id, inboxId)) return null;
      const assignee = assigneeOf(body);
      return {
        ref,
        dedupeKey: `cw.assignee.${ref}.${assignee?.id ?? 'none'}.${versionOf(body)}`,
        item: { kind: 'assignee', assignee, previousId: idOf(change.previous_value) },
      };
    }
    default:
      return null;
  }
}

/** The dedupe key of an agent message's webhook: also what a catch-up marks seen once it relayed it. */
export function messageDedupeKey(messageId: string): string {
  return `cw.msg.${messageId}`;
}

export function assigneeOf(conversation: Raw): ChatwootAgent | null {
  const assignee = (conversation.meta as Raw | undefined)?.assignee as Raw | null | undefined;
  const id = idOf(assignee?.id);
  return id ? { id, name: nameOf(assignee) ?? `Agent ${id}` } : null;
}

/**
 * Appends a catch-up to the conversation's lane: it runs after what the lane holds and before any
 * webhook accepted later. At start one per conversation per minute, however many instances start
 * together; after refused webhooks one per conversation per refusal (`refused.<when it began>`).
 */
export function acceptCatchUp(lanes: LaneInboxService, ref: string, now = Date.now(), cause = 'start'): Promise<unknown> {
  const key = cause === 'start' ? `cw.catchup.${ref}.${Math.floor(now / 60_000)}` : `cw.catchup.${cause}.${ref}`;
  return acceptEntry(lanes, { ref, dedupeKey: key, item: { kind: 'catch-up' } }, now);
}

/** Stores the entry in its conversation's lane (once per dedupe key); resolves once Redis has it. */
export function acceptEntry(lanes: LaneInboxService, entry: LaneEntry, now = Date.now()): Promise<{ duplicate: boolean }> {
  const record: ChatwootLaneRecord = { ref: entry.ref, receivedAt: now, item: entry.item };
  return lanes.accept(CHATWOOT_LANE, entry.ref, entry.dedupeKey, JSON.stringify(record), record);
}

function sameInbox(value: unknown, inboxId: number): boolean {
  return idOf(value) === String(inboxId);
}

/** Chatwoot sends `changed_attributes` as a list of one-key objects; older versions as one object. */
function changed(body: Raw, attribute: string): { previous_value?: unknown; current_value?: unknown } | null {
  const list = Array.isArray(body.changed_attributes) ? (body.changed_attributes as Raw[]) : body.changed_attributes ? [body.changed_attributes as Raw] : [];
  for (const entry of list) {
    const change = entry?.[attribute];
    if (change && typeof change === 'object') return change as { previous_value?: unknown; current_value?: unknown };
  }
  return null;
}

/** Which state of the conversation a webhook describes: the same in every delivery of one change. */
function versionOf(body: Raw): string {
  const version = body.updated_at ?? body.timestamp ?? body.last_activity_at;
  return typeof version === 'number' || typeof version === 'string' ? String(version) : '';
}
