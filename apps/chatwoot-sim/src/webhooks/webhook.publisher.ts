import type { SimStore } from '../state/sim.store';
import type { SimContact, SimConversation, SimMessage, SimUser } from '../state/sim.types';
import { conversationPushData } from '../views/conversation.view';
import { messageWebhook } from '../views/message.view';
import { contactWebhook, userWebhook } from '../views/people.view';
import type { WebhookDeliveryService } from './webhook-delivery.service';
import type { WebhookRegistry } from './webhook.registry';

/** `previous_changes` of a record: attribute → [before, after], already in JSON form. */
export type Changes = Record<string, [unknown, unknown]>;

/** `[{attr: {previous_value, current_value}}]`, as BaseListener#extract_changed_attributes builds it. */
export function changedAttributes(changes: Changes): Array<Record<string, { previous_value: unknown; current_value: unknown }>> {
  return Object.entries(changes).map(([key, [previous, current]]) => ({ [key]: { previous_value: previous, current_value: current } }));
}

/**
 * WebhookListener: builds each event's payload once, when the event happens, and hands it to every
 * account webhook subscribed to it. Nothing is built when no webhook listens.
 */
export class WebhookPublisher {
  constructor(
    private readonly store: SimStore,
    private readonly registry: WebhookRegistry,
    private readonly delivery: WebhookDeliveryService,
  ) {}

  conversation(event: 'conversation_created' | 'conversation_status_changed' | 'conversation_updated', c: SimConversation, changes?: Changes): void {
    this.emit(c.accountId, event, () => {
      const payload: Record<string, unknown> = { ...conversationPushData(this.store, c), event };
      if (changes) payload.changed_attributes = changedAttributes(changes);
      return payload;
    });
  }

  /** `webhook_sendable?`: incoming, outgoing and template messages, private notes included; never activity. */
  message(event: 'message_created' | 'message_updated', m: SimMessage): void {
    if (m.messageType === 'activity') return;
    const conversation = this.store.conversations.get(m.conversationId)!;
    this.emit(m.accountId, event, () => ({ ...messageWebhook(this.store, m, conversationPushData(this.store, conversation)), event }));
  }

  typing(event: 'conversation_typing_on' | 'conversation_typing_off', c: SimConversation, user: SimUser, isPrivate: boolean): void {
    this.emit(c.accountId, event, () => ({ event, user: userWebhook(user), conversation: conversationPushData(this.store, c), is_private: isPrivate }));
  }

  contact(event: 'contact_created' | 'contact_updated', contact: SimContact, changes?: Changes): void {
    this.emit(contact.accountId, event, () => {
      const payload: Record<string, unknown> = { ...contactWebhook(this.store, contact), event };
      if (changes) payload.changed_attributes = changedAttributes(changes);
      return payload;
    });
  }

  private emit(accountId: number, event: string, build: () => Record<string, unknown>): void {
    const webhooks = this.registry.subscribedTo(accountId, event);
    if (webhooks.length === 0) return;
    const payload = build();
    for (const webhook of webhooks) this.delivery.enqueue(webhook, event, payload);
  }
}
