import { randomUUID } from 'node:crypto';
import { recordInvalid } from '../common/api-error';
import type { SimStore } from '../state/sim.store';
import type { Attributes, ConversationStatus, SimConversation, SimInbox, SimTeam, SimUser } from '../state/sim.types';
import type { WebhookPublisher } from '../webhooks/webhook.publisher';
import { type Actor, SYSTEM } from './actor';
import type { AssigneePicker } from './assignee.picker';
import type { ContactsService } from './contacts.service';
import type { ConversationChanges } from './conversation.changes';
import type { MessagesService, NewMessage } from './messages.service';

export interface NewConversation {
  sourceId?: string;
  inboxId?: number;
  contactId?: number;
  status?: ConversationStatus;
  assigneeId?: number;
  teamId?: number;
  customAttributes: Attributes;
  additionalAttributes: Attributes;
  snoozedUntil?: Date;
  message?: Partial<NewMessage> & { content: string };
}

/** Conversations as the ConversationsController, ConversationBuilder and the assignment callbacks handle them. */
export class ConversationsService {
  constructor(
    private readonly store: SimStore,
    private readonly contacts: ContactsService,
    private readonly changes: ConversationChanges,
    private readonly messages: MessagesService,
    private readonly publisher: WebhookPublisher,
    private readonly picker: AssigneePicker,
  ) {}

  create(accountId: number, input: NewConversation, actor: Actor): SimConversation {
    const inbox = input.inboxId !== undefined ? this.store.findInbox(accountId, input.inboxId) : undefined;
    const contact = input.contactId !== undefined ? this.store.findContact(accountId, input.contactId) : undefined;
    const contactInbox = this.contacts.contactInboxFor(accountId, inbox, contact, input.sourceId);
    const assignee = input.assigneeId === undefined ? undefined : this.existingUser(accountId, input.assigneeId);
    const team = input.teamId === undefined ? undefined : this.existingTeam(accountId, input.teamId);
    const target = this.store.inboxes.get(contactInbox.inboxId)!;
    const now = new Date();
    const c: SimConversation = {
      id: this.store.nextId('conversations'),
      displayId: this.store.nextId(`display:${accountId}`),
      uuid: randomUUID(),
      accountId,
      inboxId: target.id,
      contactId: contactInbox.contactId,
      contactInboxId: contactInbox.id,
      // determine_conversation_status: a blocked contact's conversation starts resolved.
      status: this.store.contacts.get(contactInbox.contactId)!.blocked ? 'resolved' : (input.status ?? 'open'),
      assigneeId: assignee?.id ?? null,
      teamId: team?.id ?? null,
      additionalAttributes: input.additionalAttributes,
      customAttributes: input.customAttributes,
      snoozedUntil: input.status === 'snoozed' ? (input.snoozedUntil ?? null) : null,
      waitingSince: now,
      firstReplyCreatedAt: null,
      agentLastSeenAt: null,
      assigneeLastSeenAt: null,
      contactLastSeenAt: null,
      lastActivityAt: now,
      createdAt: now,
      updatedAt: now,
    };
    if (team) this.keepAssigneeInTeam(c, team, target);
    this.store.conversations.set(c.id, c);
    // One transaction in Chatwoot: the webhook job reads the conversation with its first message.
    const first = input.message ? this.messages.record(c, { messageType: 'outgoing', private: false, contentType: 'text', contentAttributes: {}, ...input.message }, actor) : undefined;
    this.publisher.conversation('conversation_created', c);
    if (first) this.messages.afterCreate(c, first, actor);
    this.autoAssign(c);
    return c;
  }

  /** `status` absent toggles: open ↔ resolved, pending or snoozed → open. */
  toggleStatus(c: SimConversation, status: ConversationStatus | undefined, snoozedUntil: Date | undefined, actor: Actor): void {
    const next = status ?? (c.status === 'open' ? 'resolved' : 'open');
    this.changes.apply(c, { status: next, ...(snoozedUntil ? { snoozedUntil } : {}) }, actor);
    // handle_human_open: an agent who reopens a conversation takes it.
    if (c.status === 'open' && actor.kind === 'user' && actor.user.role === 'agent') this.changes.apply(c, { assigneeId: actor.user.id }, actor);
    this.autoAssign(c);
  }

  /** An unknown agent id unassigns, as `find_by` returns nil there. */
  assignAgent(c: SimConversation, assigneeId: number | null, actor: Actor): SimUser | undefined {
    const agent = this.store.accountUser(c.accountId, assigneeId);
    this.changes.apply(c, { assigneeId: agent?.id ?? null }, actor);
    return agent;
  }

  assignTeam(c: SimConversation, teamId: number | null, actor: Actor): SimTeam | undefined {
    const team = this.store.accountTeam(c.accountId, teamId);
    this.changes.apply(c, { teamId: team?.id ?? null }, actor);
    return team;
  }

  setCustomAttributes(c: SimConversation, attributes: Attributes, merge: boolean, actor: Actor): void {
    this.changes.apply(c, { customAttributes: merge ? { ...c.customAttributes, ...attributes } : attributes }, actor);
  }

  /** `recording` is dispatched in Chatwoot too, but no webhook listens to it. */
  typing(c: SimConversation, status: string, isPrivate: boolean, user: SimUser): void {
    if (status === 'on') this.publisher.typing('conversation_typing_on', c, user, isPrivate);
    else if (status === 'off') this.publisher.typing('conversation_typing_off', c, user, isPrivate);
  }

  private keepAssigneeInTeam(c: SimConversation, team: SimTeam, inbox: SimInbox): void {
    if (c.assigneeId !== null && !team.memberIds.includes(c.assigneeId)) c.assigneeId = null;
    if (c.assigneeId === null && team.allowAutoAssign) c.assigneeId = this.picker.pick(inbox, team.memberIds);
  }

  /** AutoAssignmentHandler: only when the inbox has `enable_auto_assignment`. */
  private autoAssign(c: SimConversation): void {
    const inbox = this.store.inboxes.get(c.inboxId)!;
    if (!inbox.enableAutoAssignment || c.status !== 'open' || c.assigneeId !== null) return;
    const pick = this.picker.pick(inbox);
    if (pick !== null) this.changes.apply(c, { assigneeId: pick }, SYSTEM);
  }

  private existingUser(accountId: number, id: number): SimUser {
    const user = this.store.accountUser(accountId, id);
    if (!user) throw recordInvalid([['assignee', 'Assignee must exist']]);
    return user;
  }

  private existingTeam(accountId: number, id: number): SimTeam {
    const team = this.store.accountTeam(accountId, id);
    if (!team) throw recordInvalid([['team', 'Team must exist']]);
    return team;
  }
}
