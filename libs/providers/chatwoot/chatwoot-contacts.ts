import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { DeskStateStore } from '@agent-bridge/desk-port';
import { ChatwootApiClient, ChatwootApiError } from './chatwoot-api.client';
import { CHATWOOT } from './chatwoot-lane';
import { idOf } from './chatwoot-message';

type Raw = Record<string, unknown>;

export interface ContactRef {
  /** The contact's id in the API channel inbox (`contact_inbox.source_id`): what conversations are opened with. */
  sourceId: string;
  contactId: string | null;
}

/**
 * One Chatwoot contact per Kore user, found by a stable identifier of bot and visitor and kept
 * across hand-offs through its source id in the inbox (DeskStateStore.saveCustomerId).
 */
@Injectable()
export class ChatwootContacts {
  constructor(
    private readonly api: ChatwootApiClient,
    private readonly state: DeskStateStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The stored source id, or a contact created (or found, when created before) and its source id stored. `fresh`: the stored one failed. */
  async forUser(user: { botId: string; visitorKey: string; name: string | null }, fresh = false): Promise<ContactRef> {
    const stored = fresh ? null : await this.state.customerId(CHATWOOT, user.botId, user.visitorKey);
    if (stored) return { sourceId: stored, contactId: null };
    const identifier = contactIdentifier(user.botId, user.visitorKey);
    const contact = (await this.create(identifier, user.name ?? user.visitorKey)) ?? (await this.find(identifier));
    if (!contact) throw new ChatwootApiError(422, 'the contact could neither be created nor found by its identifier');
    const sourceId = contact.sourceId ?? (await this.addToInbox(contact.id));
    await this.state.saveCustomerId(CHATWOOT, user.botId, user.visitorKey, sourceId);
    return { sourceId, contactId: contact.id };
  }

  /** Null when the identifier is taken: the contact exists (a save lost after its creation, or the user's source id went stale). */
  private async create(identifier: string, name: string): Promise<{ id: string; sourceId: string | null } | null> {
    try {
      const res = await this.api.account<{ payload?: Raw }>('POST', '/contacts', { inbox_id: this.config.chatwoot.inboxId, name, identifier });
      const contact = (res.payload?.contact ?? res.payload) as Raw | undefined;
      const id = idOf(contact?.id);
      if (!id) throw new ChatwootApiError(502, 'Chatwoot created a contact without an id');
      const inbox = res.payload?.contact_inbox as Raw | undefined;
      return { id, sourceId: typeof inbox?.source_id === 'string' && inbox.source_id ? inbox.source_id : this.sourceIdIn(contact) };
    } catch (error) {
      if (error instanceof ChatwootApiError && error.status === 422) return null;
      throw error;
    }
  }

  private async find(identifier: string): Promise<{ id: string; sourceId: string | null } | null> {
    const res = await this.api.account<{ payload?: Raw[] }>('GET', `/contacts/search?q=${encodeURIComponent(identifier)}`);
    const contact = (res.payload ?? []).find((c) => c.identifier === identifier);
    const id = idOf(contact?.id);
    return id ? { id, sourceId: this.sourceIdIn(contact) } : null;
  }

  private async addToInbox(contactId: string): Promise<string> {
    const res = await this.api.account<Raw>('POST', `/contacts/${contactId}/contact_inboxes`, { inbox_id: this.config.chatwoot.inboxId });
    if (typeof res.source_id !== 'string' || !res.source_id) throw new ChatwootApiError(502, 'Chatwoot added the contact to the inbox without a source id');
    return res.source_id;
  }

  private sourceIdIn(contact: Raw | undefined): string | null {
    const inboxes = Array.isArray(contact?.contact_inboxes) ? (contact.contact_inboxes as Raw[]) : [];
    const mine = inboxes.find((ci) => idOf((ci.inbox as Raw | undefined)?.id) === String(this.config.chatwoot.inboxId));
    return typeof mine?.source_id === 'string' && mine.source_id ? mine.source_id : null;
  }
}

/** The contact's `identifier`: the same user of the same bot is the same contact, hand-off after hand-off. */
export function contactIdentifier(botId: string, visitorKey: string): string {
  return `agent-bridge:${botId}:${visitorKey}`;
}
