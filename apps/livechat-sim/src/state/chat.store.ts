import { isoMicros, shortId } from '../common/ids.util';
import type { ChatKind, Properties, SimChat, SimEvent, SimThread } from './chat.types';
import { lastThread } from './chat.types';

export interface NewChat {
  kind: ChatKind;
  customerId: string;
  properties: Properties;
  access: { group_ids: number[] };
  continuous: boolean;
  threadProperties: Properties;
  active: boolean;
  visitorId?: string;
}

export class ChatStore {
  private readonly chats = new Map<string, SimChat>();
  private readonly byCustomer = new Map<string, string>();
  readonly active = new Set<string>();

  create(input: NewChat): SimChat {
    const now = isoMicros();
    const chat: SimChat = {
      id: this.uniqueChatId(),
      kind: input.kind,
      customerId: input.customerId,
      properties: input.properties,
      access: input.access,
      threads: [],
      customerEvents: [],
      agentIds: [],
      absentAgentIds: [],
      continuous: input.continuous,
      createdAt: now,
      lastActivityAt: Date.now(),
      idleNotified: false,
      visitorId: input.visitorId,
    };
    this.chats.set(chat.id, chat);
    this.byCustomer.set(input.customerId, chat.id);
    this.openThread(chat, input.threadProperties, input.active);
    return chat;
  }

  get(chatId: string): SimChat | undefined {
    return this.chats.get(chatId);
  }

  forCustomer(customerId: string): SimChat | undefined {
    const id = this.byCustomer.get(customerId);
    return id === undefined ? undefined : this.chats.get(id);
  }

  all(): IterableIterator<SimChat> {
    return this.chats.values();
  }

  get size(): number {
    return this.chats.size;
  }

  /** A resumed chat gets a new thread; the old ones stay readable through `list_threads`. */
  openThread(chat: SimChat, properties: Properties, active = true): SimThread {
    const previous = chat.threads[chat.threads.length - 1];
    const thread: SimThread = {
      id: shortId(),
      createdAt: isoMicros(),
      active,
      events: [],
      properties,
      userIds: [chat.customerId],
      previousThreadId: previous?.id,
      nextEventNo: 1,
    };
    if (previous) previous.nextThreadId = thread.id;
    chat.threads.push(thread);
    chat.lastActivityAt = Date.now();
    chat.idleNotified = false;
    if (active) this.active.add(chat.id);
    return thread;
  }

  /** Event ids follow the documented `<thread_id>_<n>` form. */
  append(chat: SimChat, thread: SimThread, fields: Omit<SimEvent, 'id' | 'created_at'>): SimEvent {
    const event = { id: `${thread.id}_${thread.nextEventNo++}`, created_at: isoMicros(), ...fields } as SimEvent;
    thread.events.push(event);
    if (event.author_id !== undefined && !thread.userIds.includes(event.author_id)) thread.userIds.push(event.author_id);
    if (event.type !== 'system_message') {
      chat.lastActivityAt = Date.now();
      chat.idleNotified = false;
    }
    return event;
  }

  deactivate(chat: SimChat): SimThread {
    const thread = lastThread(chat);
    thread.active = false;
    chat.agentIds = [];
    chat.absentAgentIds = [];
    this.active.delete(chat.id);
    return thread;
  }

  clear(): void {
    this.chats.clear();
    this.byCustomer.clear();
    this.active.clear();
  }

  private uniqueChatId(): string {
    let id = shortId();
    while (this.chats.has(id)) id = shortId();
    return id;
  }
}
