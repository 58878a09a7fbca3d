import type { ChangeNotifier } from './common/change.notifier';
import type { VisitorChatService } from './legacy/visitor-chat.service';
import type { V2Event } from './legacy/visitor-chat.types';
import type { ChatStore } from './state/chat.store';
import type { ChatKind, Properties, SimChat, SimEvent } from './state/chat.types';
import { isActive } from './state/chat.types';
import type { WebhookDeliveryService } from './webhooks/webhook-delivery.service';
import type { DeliveryRecord } from './webhooks/webhook.types';

export interface ThreadSnapshot {
  id: string;
  active: boolean;
  createdAt: string;
  /** Shared with the simulator: treat as read-only. */
  events: SimEvent[];
}

export interface ChatSnapshot {
  id: string;
  kind: ChatKind;
  customerId: string;
  active: boolean;
  continuous: boolean;
  agentIds: string[];
  /** The groups the chat was started in (`chat.access.group_ids`). */
  groupIds: number[];
  properties: Properties;
  createdAt: string;
  visitorId?: string;
  threads: ThreadSnapshot[];
}

const DEFAULT_TIMEOUT_MS = 5_000;

export class SimObserver {
  constructor(
    private readonly store: ChatStore,
    private readonly delivery: WebhookDeliveryService,
    private readonly notifier: ChangeNotifier,
    private readonly visitors: VisitorChatService,
  ) {}

  chats(): ChatSnapshot[] {
    return [...this.store.all()].map(snapshot);
  }

  chat(chatId: string): ChatSnapshot | undefined {
    const chat = this.store.get(chatId);
    return chat ? snapshot(chat) : undefined;
  }

  customerEvents(chatId: string): SimEvent[] {
    return [...(this.store.get(chatId)?.customerEvents ?? [])];
  }

  v2Events(visitorId: string): V2Event[] {
    return [...(this.visitors.session(visitorId)?.events ?? [])];
  }

  deliveries(): DeliveryRecord[] {
    return this.delivery.deliveries();
  }

  waitFor<T>(check: () => T | undefined | null | false, timeoutMs = DEFAULT_TIMEOUT_MS, description = 'condition'): Promise<T> {
    return this.notifier.waitFor(check, timeoutMs, () => description);
  }

  waitForChat(predicate: (chat: ChatSnapshot) => boolean = () => true, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ChatSnapshot> {
    return this.notifier.waitFor(
      () => {
        for (const chat of this.store.all()) {
          const view = snapshot(chat);
          if (predicate(view)) return view;
        }
        return undefined;
      },
      timeoutMs,
      () => `a chat matching the predicate (${this.store.size} chats exist)`,
    );
  }

  waitForCustomerEvents(chatId: string, count: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<SimEvent[]> {
    return this.notifier.waitFor(
      () => {
        const events = this.store.get(chatId)?.customerEvents;
        return events && events.length >= count ? [...events] : undefined;
      },
      timeoutMs,
      () => `${count} customer events in chat ${chatId} (have ${this.store.get(chatId)?.customerEvents.length ?? 'no chat'})`,
    );
  }

  waitForCustomerEvent(chatId: string, predicate: (event: SimEvent) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<SimEvent> {
    return this.notifier.waitFor(
      () => this.store.get(chatId)?.customerEvents.find(predicate),
      timeoutMs,
      () => `a matching customer event in chat ${chatId} (types seen: ${this.customerEvents(chatId).map((e) => e.type).join(',') || 'none'})`,
    );
  }

  waitForDeliveries(predicate: (record: DeliveryRecord) => boolean, count = 1, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<DeliveryRecord[]> {
    return this.notifier.waitFor(
      () => {
        const found = this.delivery.find(predicate);
        return found.length >= count ? found : undefined;
      },
      timeoutMs,
      () => `${count} matching webhook deliveries (found ${this.delivery.find(predicate).length})`,
    );
  }

  waitForChatClosed(chatId: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ChatSnapshot> {
    return this.notifier.waitFor(
      () => {
        const chat = this.store.get(chatId);
        return chat && !isActive(chat) ? snapshot(chat) : undefined;
      },
      timeoutMs,
      () => `chat ${chatId} to close (${this.store.get(chatId) ? 'still active' : 'unknown chat'})`,
    );
  }
}

function snapshot(chat: SimChat): ChatSnapshot {
  const view: ChatSnapshot = {
    id: chat.id,
    kind: chat.kind,
    customerId: chat.customerId,
    active: isActive(chat),
    continuous: chat.continuous,
    agentIds: [...chat.agentIds],
    groupIds: [...chat.access.group_ids],
    properties: chat.properties,
    createdAt: chat.createdAt,
    threads: chat.threads.map((t) => ({ id: t.id, active: t.active, createdAt: t.createdAt, events: [...t.events] })),
  };
  if (chat.visitorId !== undefined) view.visitorId = chat.visitorId;
  return view;
}
