import { notFound } from '../common/api-error';
import type { SimAccount, SimContact, SimContactInbox, SimConversation, SimInbox, SimMessage, SimTeam, SimUser } from './sim.types';

/** In-memory tables with Chatwoot's lookups; `find*` throw the 404 Chatwoot's `find` would. */
export class SimStore {
  readonly accounts = new Map<number, SimAccount>();
  readonly inboxes = new Map<number, SimInbox>();
  readonly users = new Map<number, SimUser>();
  readonly teams = new Map<number, SimTeam>();
  readonly contacts = new Map<number, SimContact>();
  readonly contactInboxes = new Map<number, SimContactInbox>();
  readonly conversations = new Map<number, SimConversation>();
  /** Per conversation (internal id), in creation order: the message list is read far more than written. */
  readonly messagesByConversation = new Map<number, SimMessage[]>();
  private readonly sequences = new Map<string, number>();

  nextId(table: string, start = 1): number {
    const next = (this.sequences.get(table) ?? start - 1) + 1;
    this.sequences.set(table, next);
    return next;
  }

  userByToken(token: string): SimUser | undefined {
    for (const user of this.users.values()) if (user.accessToken === token) return user;
    return undefined;
  }

  findInbox(accountId: number, id: number | undefined): SimInbox {
    const inbox = id === undefined ? undefined : this.inboxes.get(id);
    if (!inbox || inbox.accountId !== accountId) throw notFound();
    return inbox;
  }

  findContact(accountId: number, id: number | undefined): SimContact {
    const contact = id === undefined ? undefined : this.contacts.get(id);
    if (!contact || contact.accountId !== accountId) throw notFound();
    return contact;
  }

  findConversation(accountId: number, displayId: number | undefined): SimConversation {
    if (displayId !== undefined) {
      for (const c of this.conversations.values()) if (c.accountId === accountId && c.displayId === displayId) return c;
    }
    throw notFound();
  }

  accountUser(accountId: number, id: number | null | undefined): SimUser | undefined {
    const user = id === null || id === undefined ? undefined : this.users.get(id);
    return user && user.accountIds.includes(accountId) ? user : undefined;
  }

  accountTeam(accountId: number, id: number | null | undefined): SimTeam | undefined {
    const team = id === null || id === undefined ? undefined : this.teams.get(id);
    return team && team.accountId === accountId ? team : undefined;
  }

  contactInboxesOf(contactId: number): SimContactInbox[] {
    return [...this.contactInboxes.values()].filter((ci) => ci.contactId === contactId);
  }

  contactInboxBySource(inboxId: number | undefined, sourceId: string): SimContactInbox | undefined {
    for (const ci of this.contactInboxes.values()) {
      if (ci.sourceId === sourceId && (inboxId === undefined || ci.inboxId === inboxId)) return ci;
    }
    return undefined;
  }

  messagesOf(conversation: SimConversation): SimMessage[] {
    let list = this.messagesByConversation.get(conversation.id);
    if (!list) {
      list = [];
      this.messagesByConversation.set(conversation.id, list);
    }
    return list;
  }

  /** The last public, non-activity message: what Chatwoot's `messages.chat.last` picks. */
  lastChatMessage(conversation: SimConversation): SimMessage | undefined {
    const list = this.messagesOf(conversation);
    for (let i = list.length - 1; i >= 0; i--) {
      const m = list[i]!;
      if (m.messageType !== 'activity' && !m.private) return m;
    }
    return undefined;
  }
}
