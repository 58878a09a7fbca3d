import { ApiError, validation } from '../common/api-error';
import { isPlainObject } from '../common/http-io.util';
import type { AgentRegistry } from '../state/agent.registry';
import type { ChatStore } from '../state/chat.store';
import { isActive, lastThread } from '../state/chat.types';
import type { ChatViewMapper } from '../state/chat-view.mapper';
import type { CustomerStore } from '../state/customer.store';
import type { CustomerCaller } from './customer-caller.util';
import { ownChat, requireString } from './customer-caller.util';
import { paginate, readPaging } from './pagination.util';

export class CustomerQueryService {
  constructor(
    private readonly store: ChatStore,
    private readonly customers: CustomerStore,
    private readonly agents: AgentRegistry,
    private readonly views: ChatViewMapper,
  ) {}

  getChat(caller: CustomerCaller, body: Record<string, unknown>): Record<string, unknown> {
    const chat = ownChat(this.store, caller, requireString(body, 'chat_id'));
    let thread = lastThread(chat);
    if (body.thread_id !== undefined) {
      const wanted = chat.threads.find((t) => t.id === body.thread_id);
      if (!wanted) throw new ApiError('not_found', 'Thread not found');
      thread = wanted;
    }
    return this.views.chat(chat, thread, true);
  }

  listChats(caller: CustomerCaller, body: Record<string, unknown>): Record<string, unknown> {
    const spec = readPaging(body, { defaultLimit: 10, maxLimit: 25, allowMinEvents: false });
    const chat = this.store.forCustomer(caller.customer.id);
    const chats = chat ? [chat] : [];
    const { page, next, previous } = paginate(chats, spec);
    const response: Record<string, unknown> = { chats_summary: page.map((c) => this.views.summary(c)), total_chats: chats.length };
    if (next) response.next_page_id = next;
    if (previous) response.previous_page_id = previous;
    return response;
  }

  listThreads(caller: CustomerCaller, body: Record<string, unknown>): Record<string, unknown> {
    const chat = ownChat(this.store, caller, requireString(body, 'chat_id'));
    const spec = readPaging(body, { defaultLimit: 3, maxLimit: 100, allowMinEvents: true });
    const { page, next, previous } = paginate(chat.threads, spec, (t) => t.events.length);
    const response: Record<string, unknown> = { threads: page.map((t) => this.views.thread(chat, t, true)), found_threads: chat.threads.length };
    if (next) response.next_page_id = next;
    if (previous) response.previous_page_id = previous;
    return response;
  }

  getCustomer(caller: CustomerCaller): Record<string, unknown> {
    return this.views.customerUser(caller.customer, caller.customer.id);
  }

  updateCustomer(caller: CustomerCaller, body: Record<string, unknown>): Record<string, unknown> {
    const update: Record<string, unknown> = {};
    for (const key of ['name', 'email', 'avatar'] as const) {
      if (body[key] === undefined) continue;
      if (typeof body[key] !== 'string') throw validation(`\`${key}\` must be a string`);
      update[key] = body[key];
    }
    if (body.session_fields !== undefined) update.sessionFields = sessionFields(body.session_fields);
    this.customers.update(caller.customer, update, this.hasActiveChat(caller));
    return {};
  }

  setSessionFields(caller: CustomerCaller, body: Record<string, unknown>): Record<string, unknown> {
    this.customers.update(caller.customer, { sessionFields: sessionFields(body.session_fields) }, this.hasActiveChat(caller));
    return {};
  }

  /** The sandbox has one group (0): online while any agent is. */
  listGroupStatuses(body: Record<string, unknown>): Record<string, unknown> {
    const all = body.all === true;
    const ids = body.group_ids;
    if (!all && (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id)))) {
      throw validation('`all` or `group_ids` is required');
    }
    const status = this.agents.anyOnline() ? 'online' : 'offline';
    const wanted = all ? [0] : (ids as number[]).filter((id) => id === 0);
    return { groups_status: Object.fromEntries(wanted.map((id) => [String(id), status])) };
  }

  private hasActiveChat(caller: CustomerCaller): boolean {
    const chat = this.store.forCustomer(caller.customer.id);
    return chat !== undefined && isActive(chat);
  }
}

function sessionFields(value: unknown): Array<Record<string, string>> {
  if (!Array.isArray(value) || !value.every((f) => isPlainObject(f) && Object.values(f).every((v) => typeof v === 'string'))) {
    throw validation('`session_fields` must be an array of string maps');
  }
  return value as Array<Record<string, string>>;
}
