import { randomUUID } from 'node:crypto';
import type { Tone } from '../sim.types';

export interface StoredMessage {
  id: string;
  type: 'incoming' | 'outgoing';
  text: string;
  at: number;
  sessionId: string;
  /** A message template the user was shown (`overrideMessagePayload` with `isTemplate: true`): `{type:'template', payload}`. */
  template?: Record<string, unknown>;
}

export type ConversationEvent =
  | { kind: 'incoming'; botId: string; userId: string; message: StoredMessage; originSocket?: string }
  | { kind: 'outgoing'; botId: string; userId: string; message: StoredMessage }
  | { kind: 'bot-event'; botId: string; userId: string; event: Record<string, unknown> };

export interface Conversation {
  botId: string;
  userId: string;
  sessionId: string;
  history: StoredMessage[];
  delivered: string[];
  /** The templates among the delivered messages, in order, with the text recorded for each. */
  templates: Array<{ text: string; template: Record<string, unknown> }>;
  agentSession: boolean;
  dialogTone: Map<string, { level: number; count: number }>;
  /** The last context a webhook returned (sync answer or serviceCallback). */
  hookContext?: Record<string, unknown>;
}

interface DeliveryWaiter {
  count: number;
  resolve: (texts: string[]) => void;
}

// Per-user caps keep a long benchmark from growing memory without bound.
const MAX_HISTORY = 1_000;
const MAX_DELIVERED = 10_000;

const keyOf = (botId: string, userId: string): string => `${botId}\u0000${userId}`;

export class ConversationStore {
  private readonly conversations = new Map<string, Conversation>();
  private readonly listeners = new Set<(event: ConversationEvent) => void>();
  private readonly deliveryWaiters = new Map<string, Set<DeliveryWaiter>>();

  get(botId: string, userId: string): Conversation {
    const key = keyOf(botId, userId);
    let conversation = this.conversations.get(key);
    if (!conversation) {
      conversation = {
        botId,
        userId,
        sessionId: randomUUID().replace(/-/g, '').slice(0, 24),
        history: [],
        delivered: [],
        templates: [],
        agentSession: false,
        dialogTone: new Map(),
      };
      this.conversations.set(key, conversation);
    }
    return conversation;
  }

  find(botId: string, userId: string): Conversation | undefined {
    return this.conversations.get(keyOf(botId, userId));
  }

  onChange(listener: (event: ConversationEvent) => void): void {
    this.listeners.add(listener);
  }

  addIncoming(botId: string, userId: string, text: string, originSocket?: string): StoredMessage {
    const message = this.append(botId, userId, 'incoming', text);
    this.emit({ kind: 'incoming', botId, userId, message, originSocket });
    return message;
  }

  deliver(botId: string, userId: string, text: string, template?: Record<string, unknown>): StoredMessage {
    const conversation = this.get(botId, userId);
    const message = this.append(botId, userId, 'outgoing', text);
    if (template) {
      message.template = template;
      conversation.templates.push({ text, template });
      if (conversation.templates.length > MAX_DELIVERED) conversation.templates.shift();
    }
    conversation.delivered.push(text);
    if (conversation.delivered.length > MAX_DELIVERED) conversation.delivered.shift();
    this.emit({ kind: 'outgoing', botId, userId, message });
    this.notifyDelivery(conversation);
    return message;
  }

  sendBotEvent(botId: string, userId: string, event: Record<string, unknown>): void {
    this.emit({ kind: 'bot-event', botId, userId, event });
  }

  /** Folds a message's tone into the dialog's: highest level seen, and how often. */
  addTone(botId: string, userId: string, tone: Tone): Array<{ tone_name: string; level: number; count: number }> {
    const conversation = this.get(botId, userId);
    const current = conversation.dialogTone.get(tone.name);
    conversation.dialogTone.set(tone.name, {
      level: Math.max(current?.level ?? tone.level, tone.level),
      count: (current?.count ?? 0) + 1,
    });
    return this.dialogTone(botId, userId);
  }

  dialogTone(botId: string, userId: string): Array<{ tone_name: string; level: number; count: number }> {
    const conversation = this.find(botId, userId);
    if (!conversation) return [];
    return [...conversation.dialogTone].map(([name, t]) => ({ tone_name: name, level: t.level, count: t.count }));
  }

  /** resetBot / closeConversationSession: the dialog starts over; history stays, as on the platform. */
  resetDialog(botId: string, userId: string, endSession: boolean): void {
    const conversation = this.find(botId, userId);
    if (!conversation) return;
    conversation.dialogTone.clear();
    conversation.hookContext = undefined;
    if (endSession) {
      conversation.agentSession = false;
      conversation.sessionId = randomUUID().replace(/-/g, '').slice(0, 24);
    }
  }

  waitForDelivered(botId: string, userId: string, count: number, timeoutMs: number): Promise<string[]> {
    const conversation = this.get(botId, userId);
    if (conversation.delivered.length >= count) return Promise.resolve([...conversation.delivered]);
    const key = keyOf(botId, userId);
    return new Promise((resolve, reject) => {
      const waiters = this.deliveryWaiters.get(key) ?? new Set<DeliveryWaiter>();
      this.deliveryWaiters.set(key, waiters);
      const timer = setTimeout(() => {
        this.dropWaiter(key, waiter);
        const got = this.find(botId, userId)?.delivered ?? [];
        reject(
          new Error(
            `waitForDelivered: wanted ${count} message(s) delivered to ${userId} on ${botId} within ${timeoutMs} ms, ` +
              `got ${got.length}: ${JSON.stringify(got.slice(-10))}`,
          ),
        );
      }, timeoutMs);
      const waiter: DeliveryWaiter = {
        count,
        resolve: (texts) => {
          clearTimeout(timer);
          resolve(texts);
        },
      };
      waiters.add(waiter);
    });
  }

  clear(): void {
    this.conversations.clear();
  }

  private append(botId: string, userId: string, type: StoredMessage['type'], text: string): StoredMessage {
    const conversation = this.get(botId, userId);
    const message: StoredMessage = { id: `ms-${randomUUID()}`, type, text, at: Date.now(), sessionId: conversation.sessionId };
    conversation.history.push(message);
    if (conversation.history.length > MAX_HISTORY) conversation.history.shift();
    return message;
  }

  private notifyDelivery(conversation: Conversation): void {
    const waiters = this.deliveryWaiters.get(keyOf(conversation.botId, conversation.userId));
    if (!waiters) return;
    const key = keyOf(conversation.botId, conversation.userId);
    for (const waiter of waiters) {
      if (conversation.delivered.length < waiter.count) continue;
      this.dropWaiter(key, waiter);
      waiter.resolve([...conversation.delivered]);
    }
  }

  private dropWaiter(key: string, waiter: DeliveryWaiter): void {
    const waiters = this.deliveryWaiters.get(key);
    waiters?.delete(waiter);
    if (waiters?.size === 0) this.deliveryWaiters.delete(key);
  }

  private emit(event: ConversationEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
