import type { ChangeNotifier } from '../common/change.notifier';
import type { SimStore } from '../state/sim.store';
import type { SimConversation, SimMessage } from '../state/sim.types';

export type MessageFields = Pick<SimMessage, 'content' | 'messageType' | 'contentType' | 'contentAttributes' | 'private' | 'sender'> & Partial<Pick<SimMessage, 'sourceId'>>;

/** Appends a message row: the conversation is touched and its `last_activity_at` follows, without events. */
export class MessageLog {
  constructor(
    private readonly store: SimStore,
    private readonly notifier: ChangeNotifier,
  ) {}

  append(c: SimConversation, fields: MessageFields): SimMessage {
    const now = new Date();
    const message: SimMessage = {
      id: this.store.nextId('messages'),
      accountId: c.accountId,
      inboxId: c.inboxId,
      conversationId: c.id,
      additionalAttributes: {},
      status: 'sent',
      sourceId: null,
      createdAt: now,
      updatedAt: now,
      ...fields,
    };
    this.store.messagesOf(c).push(message);
    c.lastActivityAt = now;
    c.updatedAt = now;
    this.notifier.changed();
    return message;
  }
}
