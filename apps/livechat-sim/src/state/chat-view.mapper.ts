import type { AgentRegistry } from './agent.registry';
import type { SimAgent, SimChat, SimCustomer, SimEvent, SimThread } from './chat.types';
import { lastThread } from './chat.types';
import type { CustomerStore } from './customer.store';

export class ChatViewMapper {
  constructor(
    private readonly customers: CustomerStore,
    private readonly agents: AgentRegistry,
  ) {}

  customerUser(customer: SimCustomer | undefined, id: string, present = true): Record<string, unknown> {
    const user: Record<string, unknown> = { id, type: 'customer', present };
    if (!customer) return user;
    if (customer.name !== undefined) user.name = customer.name;
    if (customer.email !== undefined) user.email = customer.email;
    if (customer.avatar !== undefined) user.avatar = customer.avatar;
    user.created_at = customer.createdAt;
    user.session_fields = customer.sessionFields;
    return user;
  }

  agentUser(agent: SimAgent, present: boolean): Record<string, unknown> {
    const user: Record<string, unknown> = { id: agent.id, type: 'agent', name: agent.name, email: agent.id, present, visibility: 'all' };
    if (agent.avatar) user.avatar = agent.avatar;
    if (agent.jobTitle) user.job_title = agent.jobTitle;
    return user;
  }

  users(chat: SimChat): Record<string, unknown>[] {
    const users = [this.customerUser(this.customers.get(chat.customerId), chat.customerId)];
    for (const id of chat.agentIds) this.pushAgent(users, id, true);
    for (const id of chat.absentAgentIds) this.pushAgent(users, id, false);
    return users;
  }

  presentUserIds(chat: SimChat): string[] {
    return lastThread(chat).active ? [chat.customerId, ...chat.agentIds] : [];
  }

  thread(chat: SimChat, thread: SimThread, forCustomer: boolean): Record<string, unknown> {
    const view: Record<string, unknown> = {
      id: thread.id,
      created_at: thread.createdAt,
      active: thread.active,
      user_ids: thread.userIds,
      events: forCustomer ? thread.events.filter((e) => visibleToCustomer(chat, e)) : thread.events,
      properties: thread.properties,
      access: chat.access,
    };
    if (thread.previousThreadId) view.previous_thread_id = thread.previousThreadId;
    if (thread.nextThreadId) view.next_thread_id = thread.nextThreadId;
    return view;
  }

  chat(chat: SimChat, thread: SimThread, forCustomer: boolean): Record<string, unknown> {
    return {
      id: chat.id,
      thread: this.thread(chat, thread, forCustomer),
      users: this.users(chat),
      access: chat.access,
      properties: chat.properties,
    };
  }

  /** `incoming_chat` payload: the whole chat with the new thread (webhooks are agent-side, so no filtering). */
  incomingChat(chat: SimChat, thread: SimThread): Record<string, unknown> {
    return {
      chat: { id: chat.id, users: this.users(chat), properties: chat.properties, access: chat.access, thread: this.thread(chat, thread, false) },
    };
  }

  summary(chat: SimChat): Record<string, unknown> {
    const thread = lastThread(chat);
    const lastEventPerType: Record<string, unknown> = {};
    for (const candidate of chat.threads) {
      for (const event of candidate.events) {
        if (!visibleToCustomer(chat, event)) continue;
        lastEventPerType[event.type] = { thread_id: candidate.id, thread_created_at: candidate.createdAt, event };
      }
    }
    return {
      id: chat.id,
      last_thread_id: thread.id,
      last_thread_created_at: thread.createdAt,
      users: this.users(chat),
      last_event_per_type: lastEventPerType,
      access: chat.access,
      properties: chat.properties,
      active: thread.active,
    };
  }

  private pushAgent(users: Record<string, unknown>[], id: string, present: boolean): void {
    const agent = this.agents.get(id);
    users.push(agent ? this.agentUser(agent, present) : { id, type: 'agent', present });
  }
}

export function visibleToCustomer(chat: SimChat, event: SimEvent): boolean {
  return event.visibility === 'all' || event.author_id === chat.customerId;
}
