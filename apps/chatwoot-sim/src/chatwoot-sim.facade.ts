import { ApiError, notFound } from './common/api-error';
import { byUser } from './domain/actor';
import type { ApiFault, ApiFaultInput } from './faults/fault-injector';
import { ControlRoutes } from './control/control.routes';
import { SimServer } from './http/sim.server';
import { buildContainer, type SimContainer } from './sim.container';
import { type ChatwootSimOptions, type ResolvedOptions, resolveOptions } from './sim.options';
import { type ConversationSnapshot, conversationSnapshot, type MessageSnapshot, messageSnapshot } from './sim.snapshots';
import type { Availability, SimConversation, SimUser } from './state/sim.types';
import type { DeliveryRecord, RegisteredWebhook, WebhookFaults } from './webhooks/webhook.types';
import { WEBHOOK_EVENTS } from './webhooks/webhook.types';

export interface BridgeSettings {
  url: string;
  accountId: number;
  inboxId: number;
  apiToken: string;
  /** Set when every webhook shares one secret (`webhookSecret`). */
  webhookSecret?: string;
}

export interface DirectWebhook {
  url: string;
  /** Defaults to every event. */
  subscriptions?: string[];
  secret?: string;
  name?: string;
}

const DEFAULT_TIMEOUT_MS = 5_000;

/** The sandbox as an object: start it, act as an agent, inject faults, wait for deliveries. */
export class ChatwootSim {
  private readonly c: SimContainer;
  private readonly server: SimServer;
  private stopped = false;

  constructor(options: ChatwootSimOptions = {}) {
    this.c = buildContainer(resolveOptions(options));
    const control = new ControlRoutes(this);
    this.server = new SimServer(this.c.options.host, [(req, res, url, body) => control.handle(req, res, url, body.text), (req, res, url, body) => this.c.api.handle(req, res, url, body)], this.c.options.log);
  }

  async start(): Promise<void> {
    if (this.stopped) throw new Error('ChatwootSim cannot be restarted after stop(); create a new instance');
    await this.server.listen(this.c.options.port);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.c.delivery.stop();
    await this.server.close();
  }

  /** Base URL, e.g. `http://127.0.0.1:4200` (what the bridge calls CHATWOOT_URL). */
  get url(): string {
    const host = this.c.options.host === '0.0.0.0' ? '127.0.0.1' : this.c.options.host;
    return `http://${host}:${this.server.port}`;
  }

  /** Secrets included: never log this object. */
  get config(): Readonly<ResolvedOptions> {
    return this.c.options;
  }

  settings(): BridgeSettings {
    const o = this.c.options;
    return { url: this.url, accountId: o.accountId, inboxId: o.inboxId, apiToken: o.apiToken, ...(o.webhookSecret ? { webhookSecret: o.webhookSecret } : {}) };
  }

  users(): SimUser[] {
    return [...this.c.store.users.values()].map((u) => ({ ...u, accountIds: [...u.accountIds] }));
  }

  setAvailability(userId: number, availability: Availability): SimUser {
    const user = this.user(userId);
    user.availability = availability;
    this.c.notifier.changed();
    return { ...user };
  }

  registerWebhook(input: DirectWebhook): RegisteredWebhook {
    const body = { url: input.url, subscriptions: input.subscriptions ?? [...WEBHOOK_EVENTS], name: input.name };
    return this.c.registry.create(this.c.options.accountId, body, input.secret);
  }

  webhooks(): RegisteredWebhook[] {
    return this.c.registry.list();
  }

  deliveries(): DeliveryRecord[] {
    return this.c.delivery.deliveries();
  }

  conversations(): ConversationSnapshot[] {
    return [...this.c.store.conversations.values()].map((c) => conversationSnapshot(this.c.store, c));
  }

  conversation(displayId: number): ConversationSnapshot | undefined {
    const c = [...this.c.store.conversations.values()].find((x) => x.accountId === this.c.options.accountId && x.displayId === displayId);
    return c ? conversationSnapshot(this.c.store, c) : undefined;
  }

  /** A public reply from `agentId` (default: the assignee, else the first agent). */
  agentReply(conversationId: number, content: string, agentId?: number): MessageSnapshot {
    return this.say(conversationId, content, 'outgoing', false, agentId);
  }

  agentNote(conversationId: number, content: string, agentId?: number): MessageSnapshot {
    return this.say(conversationId, content, 'outgoing', true, agentId);
  }

  /** The contact writes, as the bridge would post it. */
  contactSays(conversationId: number, content: string): MessageSnapshot {
    return this.say(conversationId, content, 'incoming', false);
  }

  /** `assigneeId` null unassigns; `by` is the agent acting (default: the one assigned, "assign self"). */
  assign(conversationId: number, assigneeId: number | null, by?: number): ConversationSnapshot {
    const c = this.find(conversationId);
    const actor = this.user(by ?? assigneeId ?? this.actingAgent(c).id);
    this.c.conversations.assignAgent(c, assigneeId, byUser(actor));
    return conversationSnapshot(this.c.store, c);
  }

  assignTeam(conversationId: number, teamId: number | null, by?: number): ConversationSnapshot {
    const c = this.find(conversationId);
    this.c.conversations.assignTeam(c, teamId, byUser(by === undefined ? this.actingAgent(c) : this.user(by)));
    return conversationSnapshot(this.c.store, c);
  }

  resolve(conversationId: number, agentId?: number): ConversationSnapshot {
    return this.setStatus(conversationId, 'resolved', agentId);
  }

  reopen(conversationId: number, agentId?: number): ConversationSnapshot {
    return this.setStatus(conversationId, 'open', agentId);
  }

  setStatus(conversationId: number, status: 'open' | 'resolved' | 'pending', agentId?: number): ConversationSnapshot {
    const c = this.find(conversationId);
    this.c.conversations.toggleStatus(c, status, undefined, byUser(agentId === undefined ? this.actingAgent(c) : this.user(agentId)));
    return conversationSnapshot(this.c.store, c);
  }

  typing(conversationId: number, on: boolean, agentId?: number, isPrivate = false): void {
    const c = this.find(conversationId);
    this.c.conversations.typing(c, on ? 'on' : 'off', isPrivate, agentId === undefined ? this.actingAgent(c) : this.user(agentId));
  }

  /** The next API calls answer 429 / an error status / late; see `ApiFaultInput`. */
  failNext(input: ApiFaultInput): ApiFault {
    return this.c.faults.add(input);
  }

  setLatency(ms: number): void {
    this.c.faults.latencyMs = ms;
  }

  setWebhookFaults(faults: Partial<WebhookFaults>): WebhookFaults {
    this.c.delivery.setFaults(faults);
    return this.c.delivery.currentFaults();
  }

  resetFaults(): void {
    this.c.faults.reset();
    this.c.delivery.resetFaults();
  }

  state(): Record<string, unknown> {
    const o = this.c.options;
    return {
      url: this.url,
      accountId: o.accountId,
      inboxId: o.inboxId,
      users: this.users().map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role, availability: u.availability, accessToken: u.accessToken })),
      teams: [...this.c.store.teams.values()].map((t) => ({ id: t.id, name: t.name, memberIds: t.memberIds })),
      webhooks: this.webhooks().map((w) => ({ id: w.id, url: w.url, subscriptions: w.subscriptions })),
      conversations: this.c.store.conversations.size,
      deliveries: this.c.delivery.deliveries().length,
      faults: { api: this.c.faults.pending(), latencyMs: this.c.faults.latencyMs, webhooks: this.c.delivery.currentFaults() },
    };
  }

  waitFor<T>(check: () => T | undefined | null | false, timeoutMs = DEFAULT_TIMEOUT_MS, description = 'condition'): Promise<T> {
    return this.c.notifier.waitFor(check, timeoutMs, () => description);
  }

  /** Resolves with the matching records once `count` of them reached a final state (delivered, failed or dropped). */
  waitForDeliveries(predicate: (record: DeliveryRecord) => boolean, count = 1, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<DeliveryRecord[]> {
    const settled = (r: DeliveryRecord): boolean => r.state !== 'pending' && predicate(r);
    return this.c.notifier.waitFor(
      () => {
        const found = this.c.delivery.find(settled);
        return found.length >= count ? found : undefined;
      },
      timeoutMs,
      () => `${count} settled matching deliveries (have ${this.c.delivery.find(settled).length})`,
    );
  }

  waitForConversation(predicate: (c: ConversationSnapshot) => boolean = () => true, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ConversationSnapshot> {
    return this.waitFor(() => this.conversations().find(predicate), timeoutMs, 'a matching conversation');
  }

  waitForMessage(conversationId: number, predicate: (m: MessageSnapshot) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<MessageSnapshot> {
    return this.waitFor(() => this.conversation(conversationId)?.messages.find(predicate), timeoutMs, `a matching message in conversation ${conversationId}`);
  }

  private say(conversationId: number, content: string, messageType: 'incoming' | 'outgoing', isPrivate: boolean, agentId?: number): MessageSnapshot {
    if (content === '') throw new ApiError(422, { error: 'content is required' });
    const c = this.find(conversationId);
    const actor = byUser(agentId === undefined ? this.actingAgent(c) : this.user(agentId));
    const message = this.c.messages.create(c, { content, messageType, private: isPrivate, contentType: 'text', contentAttributes: {} }, actor);
    return messageSnapshot(this.c.store, message);
  }

  private find(displayId: number): SimConversation {
    return this.c.store.findConversation(this.c.options.accountId, displayId);
  }

  private user(id: number): SimUser {
    const user = this.c.store.accountUser(this.c.options.accountId, id);
    if (!user) throw notFound();
    return user;
  }

  private actingAgent(c: SimConversation): SimUser {
    const assignee = this.c.store.accountUser(c.accountId, c.assigneeId);
    if (assignee) return assignee;
    const agent = [...this.c.store.users.values()].find((u) => u.role === 'agent' && u.accountIds.includes(c.accountId));
    return agent ?? this.user(this.c.store.users.keys().next().value!);
  }
}
