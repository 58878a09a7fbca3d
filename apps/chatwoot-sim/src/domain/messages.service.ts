import type { SimStore } from '../state/sim.store';
import type { Attributes, ContentType, SenderRef, SimConversation, SimMessage } from '../state/sim.types';
import { iso } from '../views/time.util';
import type { WebhookPublisher } from '../webhooks/webhook.publisher';
import type { Actor } from './actor';
import type { ConversationChanges } from './conversation.changes';
import type { MessageLog } from './message.log';

export interface NewMessage {
  content: string;
  messageType: 'incoming' | 'outgoing';
  private: boolean;
  contentType: ContentType;
  contentAttributes: Attributes;
  /** MessageBuilder stores `source_id` as given (chatwoot/chatwoot#8359): an external id of the message. */
  sourceId?: string | null;
}

export interface MessagePage {
  before?: number;
  after?: number;
  /** `filter_internal_messages`: leaves out private notes and activity. */
  publicOnly?: boolean;
}

/** Messages and what Chatwoot's Message callbacks do after one is created (app/models/message.rb). */
export class MessagesService {
  constructor(
    private readonly store: SimStore,
    private readonly log: MessageLog,
    private readonly changes: ConversationChanges,
    private readonly publisher: WebhookPublisher,
  ) {}

  create(c: SimConversation, input: NewMessage, actor: Actor): SimMessage {
    const message = this.record(c, input, actor);
    this.afterCreate(c, message, actor);
    return message;
  }

  /** The row alone; `afterCreate` runs the callbacks (split so a new conversation's event can go first). */
  record(c: SimConversation, input: NewMessage, actor: Actor): SimMessage {
    // Outgoing messages are sent by the caller, incoming ones by the conversation's contact (MessageBuilder#sender).
    const sender: SenderRef = input.messageType === 'incoming' ? { type: 'Contact', id: c.contactId } : actor.kind === 'user' ? { type: 'User', id: actor.user.id } : null;
    return this.log.append(c, { ...input, sender });
  }

  afterCreate(c: SimConversation, m: SimMessage, actor: Actor): void {
    this.reopen(c, m, actor);
    this.publisher.message('message_created', m);
    if (this.isFirstReply(c, m)) {
      this.changes.apply(c, { firstReplyCreatedAt: m.createdAt, waitingSince: null }, actor);
    } else if (this.isHumanReply(m) && !m.private && c.waitingSince) {
      this.changes.apply(c, { waitingSince: null }, actor);
    } else if (m.messageType === 'incoming' && !c.waitingSince) {
      this.changes.apply(c, { waitingSince: m.createdAt }, actor);
    }
    if (m.sender?.type === 'Contact') this.touchContact(m.sender.id);
  }

  /** MessageFinder: latest 20; 20 before `before`; up to 100 after `after`; both: `[after, before)`, up to 1000. */
  page(c: SimConversation, page: MessagePage): SimMessage[] {
    let list = this.store.messagesOf(c);
    if (page.publicOnly) list = list.filter((m) => !m.private && m.messageType !== 'activity');
    const { before, after } = page;
    if (after !== undefined && before !== undefined) return list.filter((m) => m.id >= after && m.id < before).slice(0, 1000);
    if (before !== undefined) return list.filter((m) => m.id < before).slice(-20);
    if (after !== undefined) return list.filter((m) => m.id > after).slice(0, 100);
    return list.slice(-20);
  }

  /** An incoming message reopens a snoozed or resolved conversation; an API inbox credits the contact. */
  private reopen(c: SimConversation, m: SimMessage, actor: Actor): void {
    if (m.messageType !== 'incoming') return;
    if (c.status === 'snoozed') this.changes.apply(c, { status: 'open' }, actor);
    else if (c.status === 'resolved') {
      const contact = this.store.contacts.get(c.contactId)!;
      this.changes.apply(c, { status: 'open' }, m.private ? actor : { kind: 'contact', contact });
    }
  }

  private isHumanReply(m: SimMessage): boolean {
    return m.messageType === 'outgoing' && m.sender?.type === 'User';
  }

  private isFirstReply(c: SimConversation, m: SimMessage): boolean {
    if (!this.isHumanReply(m) || m.private || c.firstReplyCreatedAt) return false;
    const replies = this.store.messagesOf(c).filter((x) => x.messageType === 'outgoing' && x.sender?.type === 'User' && !x.private);
    return replies.length <= 1;
  }

  private touchContact(contactId: number): void {
    const contact = this.store.contacts.get(contactId);
    if (!contact) return;
    const now = new Date();
    const changes = { last_activity_at: [iso(contact.lastActivityAt), iso(now)] as [unknown, unknown], updated_at: [iso(contact.updatedAt), iso(now)] as [unknown, unknown] };
    contact.lastActivityAt = now;
    contact.updatedAt = now;
    this.publisher.contact('contact_updated', contact, changes);
  }
}
