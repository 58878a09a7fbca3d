import { ApiError, validation } from '../common/api-error';
import { isPlainObject } from '../common/http-io.util';
import { systemMessage } from '../agent/system-message.factory';
import type { ResolvedOptions } from '../sim.options';
import type { AgentRegistry } from '../state/agent.registry';
import type { ChatCloser } from '../state/chat-closer.service';
import type { ChatHub } from '../state/chat.hub';
import type { ChatStore } from '../state/chat.store';
import type { Properties, SimChat, SimThread } from '../state/chat.types';
import { lastThread } from '../state/chat.types';
import type { CustomerCaller } from './customer-caller.util';
import { callerSource, optionalBoolean, ownChat, requireString } from './customer-caller.util';
import { customerEventFields, type EventFields } from './event-request.validator';

type Settings = Pick<ResolvedOptions, 'existingChatErrorType' | 'fileUrlPattern' | 'groupIds'>;

export class CustomerChatService {
  constructor(
    private readonly store: ChatStore,
    private readonly agents: AgentRegistry,
    private readonly hub: ChatHub,
    private readonly closer: ChatCloser,
    private readonly settings: Settings,
  ) {}

  startChat(caller: CustomerCaller, body: Record<string, unknown>): Record<string, unknown> {
    const existing = this.store.forCustomer(caller.customer.id);
    // One customer holds one chat per licence; new threads go into it through resume_chat.
    if (existing) throw new ApiError(this.settings.existingChatErrorType, 'Chat limit reached');
    const chatInput = optionalObject(body, 'chat');
    const active = optionalBoolean(body, 'active') ?? true;
    const continuous = optionalBoolean(body, 'continuous') ?? false;
    const threadInput = optionalObject(chatInput, 'thread', 'chat.');
    const events = this.events(caller, threadInput, 'chat.thread.events');
    const access = groupAccess(chatInput.access, this.settings.groupIds);
    if (active && !continuous && !this.agents.anyOnline()) throw new ApiError('groups_offline');
    const chat = this.store.create({
      kind: 'v3',
      customerId: caller.customer.id,
      properties: withSource(properties(chatInput.properties, 'chat.properties'), caller.clientId),
      access,
      continuous,
      threadProperties: properties(threadInput.properties, 'chat.thread.properties'),
      active,
    });
    const thread = lastThread(chat);
    const eventIds = this.appendAll(caller, chat, thread, events, false);
    this.announceThread(caller, chat, thread, active);
    return eventIds.length > 0 ? { chat_id: chat.id, thread_id: thread.id, event_ids: eventIds } : { chat_id: chat.id, thread_id: thread.id };
  }

  resumeChat(caller: CustomerCaller, body: Record<string, unknown>): Record<string, unknown> {
    const chatInput = optionalObject(body, 'chat');
    const chat = ownChat(this.store, caller, requireString(chatInput, 'id'));
    if (lastThread(chat).active) throw validation('Chat is already active');
    const active = optionalBoolean(body, 'active') ?? true;
    // Unset `continuous` leaves the chat's mode as it was.
    const continuous = optionalBoolean(body, 'continuous') ?? chat.continuous;
    const threadInput = optionalObject(chatInput, 'thread', 'chat.');
    const events = this.events(caller, threadInput, 'chat.thread.events');
    if (chatInput.access !== undefined) chat.access = groupAccess(chatInput.access, this.settings.groupIds);
    if (active && !continuous && !this.agents.anyOnline()) throw new ApiError('groups_offline');
    if (chatInput.properties !== undefined) {
      chat.properties = withSource({ ...chat.properties, ...properties(chatInput.properties, 'chat.properties') }, caller.clientId);
    }
    chat.continuous = continuous;
    const thread = this.store.openThread(chat, properties(threadInput.properties, 'chat.thread.properties'), active);
    const eventIds = this.appendAll(caller, chat, thread, events, false);
    this.announceThread(caller, chat, thread, active);
    return eventIds.length > 0 ? { thread_id: thread.id, event_ids: eventIds } : { thread_id: thread.id };
  }

  sendEvent(caller: CustomerCaller, body: Record<string, unknown>): Record<string, unknown> {
    const chat = ownChat(this.store, caller, requireString(body, 'chat_id'));
    const fields = customerEventFields(body.event, caller.customer.id, this.settings.fileUrlPattern);
    const attach = optionalBoolean(body, 'attach_to_last_thread') ?? false;
    const thread = lastThread(chat);
    if (!thread.active && !attach) throw new ApiError('chat_inactive');
    const [eventId] = this.appendAll(caller, chat, thread, [fields], true);
    return { event_id: eventId };
  }

  deactivateChat(caller: CustomerCaller, body: Record<string, unknown>): Record<string, unknown> {
    const chat = ownChat(this.store, caller, requireString(body, 'id'));
    if (!lastThread(chat).active) throw new ApiError('chat_inactive');
    const message = systemMessage('manual_archived_customer', { customer: caller.customer.name ?? 'Customer' });
    this.closer.close(chat, message, caller.customer.id, callerSource(caller));
    return {};
  }

  /** Typing preview: validated and accepted; only the agent app would see it, and it has no webhook. */
  sendSneakPeek(caller: CustomerCaller, body: Record<string, unknown>): Record<string, unknown> {
    const chat = ownChat(this.store, caller, requireString(body, 'chat_id'));
    if (typeof body.sneak_peek_text !== 'string') throw validation('`sneak_peek_text` is required');
    if (!lastThread(chat).active) throw new ApiError('chat_inactive');
    return {};
  }

  markEventsAsSeen(caller: CustomerCaller, body: Record<string, unknown>): Record<string, unknown> {
    ownChat(this.store, caller, requireString(body, 'chat_id'));
    const seen = requireString(body, 'seen_up_to');
    if (Number.isNaN(Date.parse(seen))) throw validation('`seen_up_to` must be an RFC 3339 date');
    return {};
  }

  private events(caller: CustomerCaller, threadInput: Record<string, unknown>, path: string): EventFields[] {
    const raw = threadInput.events;
    if (raw === undefined) return [];
    if (!Array.isArray(raw)) throw validation(`\`${path}\` must be an array`);
    return raw.map((event, i) => customerEventFields(event, caller.customer.id, this.settings.fileUrlPattern, `${path}[${i}]`));
  }

  /** Initial thread events travel inside `incoming_chat`, so only `send_event` announces its own. */
  private appendAll(caller: CustomerCaller, chat: SimChat, thread: SimThread, events: EventFields[], announce: boolean): string[] {
    const source = callerSource(caller);
    return events.map((fields) => {
      const event = this.store.append(chat, thread, fields);
      chat.customerEvents.push(event);
      if (announce) this.hub.eventAdded(chat, thread, event, source);
      return event.id;
    });
  }

  private announceThread(caller: CustomerCaller, chat: SimChat, thread: SimThread, active: boolean): void {
    if (active) this.hub.incomingChat(chat, thread, callerSource(caller));
    else this.hub.touched();
  }
}

function optionalObject(body: Record<string, unknown>, key: string, prefix = ''): Record<string, unknown> {
  const value = body[key];
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw validation(`\`${prefix}${key}\` must be an object`);
  return value;
}

function properties(value: unknown, path: string): Properties {
  if (value === undefined) return {};
  if (!isPlainObject(value) || !Object.values(value).every(isPlainObject)) {
    throw validation(`\`${path}\` must map namespaces to objects`);
  }
  return value as Properties;
}

/** `source.client_id` is set by LiveChat from the token, never by the caller; `only_my_chats` keys on it. */
function withSource(props: Properties, clientId: string): Properties {
  return { ...props, source: { ...props.source, client_id: clientId, customer_client_id: clientId } };
}

/** The sandbox licence has a single group, 0. */
function groupAccess(value: unknown, groups: number[]): { group_ids: number[] } {
  if (value === undefined) return { group_ids: [0] };
  if (!isPlainObject(value)) throw validation('`chat.access` must be an object');
  const ids = value.group_ids;
  if (ids === undefined) return { group_ids: [0] };
  if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id))) throw validation('`chat.access.group_ids` must be an array of integers');
  if (ids.some((id) => !groups.includes(id))) throw new ApiError('group_not_found');
  return { group_ids: ids as number[] };
}
