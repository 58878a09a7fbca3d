import type { ActionSource, SimChat, SimEvent } from '../state/chat.types';
import type { ChatViewMapper } from '../state/chat-view.mapper';
import type { WebhookDeliveryService } from './webhook-delivery.service';
import { passesFilters } from './webhook.filter';
import type { WebhookRegistry } from './webhook.registry';
import type { WebhookEnvelope } from './webhook.types';

export class WebhookPublisher {
  constructor(
    private readonly organizationId: () => string,
    private readonly registry: WebhookRegistry,
    private readonly delivery: WebhookDeliveryService,
    private readonly views: ChatViewMapper,
  ) {}

  publish(action: string, chat: SimChat, payload: Record<string, unknown>, source: ActionSource, event?: SimEvent, presentUserIds?: string[]): void {
    const webhooks = this.registry.forAction(action);
    if (webhooks.length === 0) return;
    const present = presentUserIds ?? this.views.presentUserIds(chat);
    for (const webhook of webhooks) {
      // Bot webhooks only fire for chats with the owner's bots, and the simulator has no bots.
      if (webhook.type !== 'license' || !this.registry.isEnabled(webhook.owner_client_id)) continue;
      if (!passesFilters(webhook, { chat, presentUserIds: present, source, event })) continue;
      const envelope: WebhookEnvelope = {
        webhook_id: webhook.id,
        secret_key: webhook.secret_key,
        action,
        organization_id: this.organizationId(),
        payload,
      };
      if (webhook.additional_data && webhook.additional_data.length > 0) {
        const extra: Record<string, unknown> = {};
        if (webhook.additional_data.includes('chat_properties')) extra.chat_properties = chat.properties;
        if (webhook.additional_data.includes('chat_presence_user_ids')) extra.chat_presence_user_ids = present;
        envelope.additional_data = extra;
      }
      this.delivery.enqueue(webhook, envelope);
    }
  }
}
