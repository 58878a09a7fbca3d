import type { ChatHub } from './chat.hub';
import type { ChatStore } from './chat.store';
import type { ActionSource, SimChat, SimEvent } from './chat.types';
import { lastThread } from './chat.types';
import type { ChatViewMapper } from './chat-view.mapper';
import type { CustomerStore } from './customer.store';

/**
 * Every way a thread ends (customer, agent, router, v2 keep-alive) goes through here so the order is
 * always the same: the system message (`incoming_event`) first, then `chat_deactivated`.
 */
export class ChatCloser {
  constructor(
    private readonly store: ChatStore,
    private readonly hub: ChatHub,
    private readonly views: ChatViewMapper,
    private readonly customers: CustomerStore,
  ) {}

  close(chat: SimChat, message: Omit<SimEvent, 'id' | 'created_at'>, userId: string | undefined, source: ActionSource): SimEvent {
    const present = this.views.presentUserIds(chat);
    const thread = lastThread(chat);
    const event = this.store.append(chat, thread, message);
    this.hub.eventAdded(chat, thread, event, source);
    this.store.deactivate(chat);
    this.customers.applyPending(chat.customerId);
    this.hub.deactivated(chat, thread, userId, source, present);
    return event;
  }
}
