import { randomBytes, randomUUID } from 'node:crypto';
import { notFound, recordInvalid, unprocessable } from '../common/api-error';
import type { SimStore } from '../state/sim.store';
import type { Attributes, SimContact, SimContactInbox, SimInbox } from '../state/sim.types';
import type { WebhookPublisher } from '../webhooks/webhook.publisher';

export interface NewContact {
  inboxId?: number;
  sourceId?: string;
  name?: string;
  email?: string;
  phoneNumber?: string;
  identifier?: string;
  blocked?: boolean;
  additionalAttributes: Attributes;
  customAttributes: Attributes;
}

// Devise.email_regexp and the E.164 check in app/models/contact.rb.
const EMAIL = /^[^@\s]+@[^@\s]+$/;
const E164 = /\+[1-9]\d{1,14}$/;
const PAGE_SIZE = 15;

/** Contacts and contact inboxes (ContactsController, ContactInboxBuilder, Contact's validations). */
export class ContactsService {
  constructor(
    private readonly store: SimStore,
    private readonly publisher: WebhookPublisher,
  ) {}

  /** One transaction in Chatwoot: an unknown inbox leaves no contact behind. */
  create(accountId: number, input: NewContact): { contact: SimContact; contactInbox: SimContactInbox | undefined } {
    const inbox = input.inboxId !== undefined ? this.store.findInbox(accountId, input.inboxId) : undefined;
    const email = input.email ? input.email.toLowerCase() : null;
    this.validate(accountId, email, input.phoneNumber || null, input.identifier || null);
    if (inbox && input.sourceId && this.store.contactInboxBySource(inbox.id, input.sourceId)) throw unprocessable('source_id should be unique');
    const now = new Date();
    const contact: SimContact = {
      id: this.store.nextId('contacts'),
      accountId,
      name: input.name ?? '',
      email,
      phoneNumber: input.phoneNumber || null,
      identifier: input.identifier || null,
      blocked: input.blocked ?? false,
      additionalAttributes: input.additionalAttributes,
      customAttributes: input.customAttributes,
      lastActivityAt: null,
      createdAt: now,
      updatedAt: now,
    };
    this.store.contacts.set(contact.id, contact);
    const contactInbox = inbox ? this.findOrCreateContactInbox(contact, inbox, input.sourceId) : undefined;
    this.publisher.contact('contact_created', contact);
    return { contact, contactInbox };
  }

  /** POST /contacts/{id}/contact_inboxes: a new row, or 422 when the inbox already has that source id. */
  addContactInbox(accountId: number, contactId: number | undefined, inboxId: number | undefined, sourceId: string | undefined): SimContactInbox {
    const contact = this.store.findContact(accountId, contactId);
    const inbox = this.store.findInbox(accountId, inboxId);
    if (sourceId === '') throw recordInvalid([['source_id', "Source can't be blank"]]);
    const source = sourceId ?? randomUUID();
    if (this.store.contactInboxBySource(inbox.id, source)) throw unprocessable('source_id should be unique');
    return this.insertContactInbox(contact, inbox, source);
  }

  /**
   * The conversation endpoint's lookup: with an inbox and a contact, find or make their contact inbox
   * (a uuid source id when none is given); otherwise the source id alone must name one.
   */
  contactInboxFor(accountId: number, inbox: SimInbox | undefined, contact: SimContact | undefined, sourceId: string | undefined): SimContactInbox {
    if (inbox && contact) return this.findOrCreateContactInbox(contact, inbox, sourceId);
    const found = sourceId ? this.store.contactInboxBySource(undefined, sourceId) : undefined;
    if (!found || this.store.inboxes.get(found.inboxId)?.accountId !== accountId) throw notFound();
    return found;
  }

  search(accountId: number, q: string, page: number): SimContact[] {
    const query = q.trim();
    const lower = query.toLowerCase();
    const numeric = /^\d+$/.test(query) ? Number(query) : undefined;
    const matches = [...this.store.contacts.values()].filter(
      (c) =>
        c.accountId === accountId &&
        (c.name.toLowerCase().includes(lower) ||
          (c.email ?? '').includes(lower) ||
          (c.phoneNumber ?? '').toLowerCase().includes(lower) ||
          (c.identifier ?? '').includes(query) ||
          c.id === numeric),
    );
    return matches.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  }

  private findOrCreateContactInbox(contact: SimContact, inbox: SimInbox, sourceId: string | undefined): SimContactInbox {
    const source = sourceId || randomUUID();
    const existing = this.store.contactInboxBySource(inbox.id, source);
    if (existing && existing.contactId === contact.id) return existing;
    // An API inbox does not move a source id to another contact (ContactInboxBuilder#allowed_channels?).
    if (existing) throw unprocessable('source_id should be unique');
    return this.insertContactInbox(contact, inbox, source);
  }

  private insertContactInbox(contact: SimContact, inbox: SimInbox, sourceId: string): SimContactInbox {
    const now = new Date();
    const ci: SimContactInbox = {
      id: this.store.nextId('contact_inboxes'),
      contactId: contact.id,
      inboxId: inbox.id,
      sourceId,
      hmacVerified: false,
      pubsubToken: randomBytes(18).toString('base64url'),
      createdAt: now,
      updatedAt: now,
    };
    this.store.contactInboxes.set(ci.id, ci);
    return ci;
  }

  private validate(accountId: number, email: string | null, phone: string | null, identifier: string | null): void {
    const others = [...this.store.contacts.values()].filter((c) => c.accountId === accountId);
    const errors: Array<[string, string]> = [];
    if (email !== null && !EMAIL.test(email)) errors.push(['email', 'Email Invalid email']);
    else if (email !== null && others.some((c) => c.email === email)) errors.push(['email', 'Email has already been taken']);
    if (identifier !== null && others.some((c) => c.identifier === identifier)) errors.push(['identifier', 'Identifier has already been taken']);
    if (phone !== null && !E164.test(phone)) errors.push(['phone_number', 'Phone number should be in e164 format']);
    else if (phone !== null && others.some((c) => c.phoneNumber === phone)) errors.push(['phone_number', 'Phone number has already been taken']);
    if (errors.length) throw recordInvalid(errors);
  }
}
