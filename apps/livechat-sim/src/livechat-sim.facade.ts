import type { TokenKind } from './auth/token.service';
import { webhookRegistration } from './configuration/webhook-request.validator';
import { ControlRoutes } from './control/control.routes';
import type { FailNextOptions, RateLimitScope } from './faults/fault-injector.service';
import type { DownMode } from './http/sim.server';
import { SimServer } from './http/sim.server';
import type { V2Event } from './legacy/visitor-chat.types';
import type { FileOptions } from './agent/agent-actions.service';
import { buildContainer, type SimContainer } from './sim.container';
import { type ChatSnapshot, SimObserver } from './sim.observer';
import { type LiveChatSimOptions, type ResolvedOptions, resolveOptions } from './sim.options';
import type { SimAgent, SimEvent } from './state/chat.types';
import type { DeliveryRecord, RegisteredWebhook, WebhookFaults, WebhookFilters } from './webhooks/webhook.types';

export interface DirectWebhook {
  url: string;
  action: string;
  secretKey: string;
  /** Defaults to the configured client id. */
  ownerClientId?: string;
  filters?: WebhookFilters;
  additionalData?: string[];
}

export type RuntimeSettings = Partial<
  Pick<ResolvedOptions, 'inactivitySeconds' | 'idleSeconds' | 'v2KeepAliveSeconds' | 'tokenTtlSeconds' | 'archiveWhenAgentsOffline'>
>;

/** Agent and router actions throw `ApiError` on misuse (`not_found`, `chat_inactive`, `validation`). */
export class LiveChatSim {
  private readonly c: SimContainer;
  private readonly observer: SimObserver;
  private readonly server: SimServer;
  private stopped = false;

  constructor(options: LiveChatSimOptions = {}) {
    this.c = buildContainer(resolveOptions(options));
    this.observer = new SimObserver(this.c.store, this.c.delivery, this.c.notifier, this.c.visitors);
    const control = new ControlRoutes(this);
    this.server = new SimServer(
      this.c.options.host,
      {
        control: (req, res, url, body) => control.handle(req, res, url, body),
        accounts: (req, res, url, body) => this.c.accountsRoutes.handle(req, res, url, body),
        visitors: (req, res, url, body) => this.c.visitorRoutes.handle(req, res, url, body),
        customer: (call) => this.c.customerRoutes.handle(call),
        configuration: (call) => this.c.configurationRoutes.handle(call),
        agent: (call) => this.c.agentRoutes.handle(call),
      },
      this.c.options.log,
    );
  }

  /** One run per instance: `stop()` releases timers and sockets for good. */
  async start(): Promise<void> {
    if (this.stopped) throw new Error('LiveChatSim cannot be restarted after stop(); create a new instance');
    await this.server.listen(this.c.options.port);
    this.c.router.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.c.router.stop();
    this.c.delivery.stop();
    await this.server.close();
  }

  /** Base URL of every API (Accounts, Web API, v2, control), e.g. `http://127.0.0.1:4100`. */
  get url(): string {
    const host = this.c.options.host === '0.0.0.0' ? '127.0.0.1' : this.c.options.host;
    return `http://${host}:${this.server.port}`;
  }

  /** The resolved settings, secrets included (tests need them; never log this object). */
  get config(): Readonly<ResolvedOptions> {
    return this.c.options;
  }


  agents(): SimAgent[] {
    return this.c.agents.list().map((a) => ({ ...a }));
  }

  /** Agent joins: `user_added_to_chat`, then `routing.assigned` (first agent) or `agent_joined`. */
  agentJoin(chatId: string, agentId?: string): SimEvent | undefined {
    return this.c.actions.join(chatId, agentId);
  }

  agentSays(chatId: string, text: string, agentId?: string): SimEvent {
    return this.c.actions.say(chatId, text, agentId);
  }

  agentSendsFile(chatId: string, url: string, name: string, options: FileOptions = {}): SimEvent {
    return this.c.actions.sendFile(chatId, url, name, options);
  }

  /** Any other agent event, e.g. `{type:'rich_message', template_id:'quick_replies', elements:[…]}`. */
  agentSendsEvent(chatId: string, fields: Record<string, unknown>, agentId?: string): SimEvent {
    return this.c.actions.sendEvent(chatId, fields, agentId);
  }

  transfer(chatId: string, toAgentId: string, requesterId?: string): SimEvent {
    return this.c.actions.transfer(chatId, toAgentId, requesterId);
  }

  /** `manual_archived_agent`, then `chat_deactivated` with the agent's `user_id`. */
  agentCloses(chatId: string, agentId?: string): SimEvent {
    return this.c.actions.close(chatId, agentId);
  }

  /** Router: `routing.archived_inactive`, then `chat_deactivated` without `user_id`. */
  archiveInactive(chatId: string): SimEvent {
    return this.c.actions.archiveInactive(chatId);
  }

  /** Router: `routing.archived_offline`, then `chat_deactivated` without `user_id`. */
  archiveOffline(chatId: string): SimEvent {
    return this.c.actions.archiveOffline(chatId);
  }

  /** Going offline with nobody left archives queued chats when `archiveWhenAgentsOffline` is on. */
  setAgentsOnline(online: boolean, agentIds?: string[]): void {
    const changed = this.c.agents.setOnline(online, agentIds);
    if (!online) this.c.router.agentsWentOffline(changed);
    this.c.notifier.changed();
  }

  updateSettings(settings: RuntimeSettings): void {
    const { tokenTtlSeconds, ...router } = settings;
    if (tokenTtlSeconds !== undefined) {
      this.c.options.tokenTtlSeconds = tokenTtlSeconds;
      this.c.tokens.ttlSeconds = tokenTtlSeconds;
    }
    Object.assign(this.c.options, router);
    if (this.server.port && !this.stopped) this.c.router.start();
  }

  /** Runs the router's timers now instead of waiting for the next sweep. */
  tickRouter(): void {
    this.c.router.tick();
  }


  /** The next `times` calls of `action` (`*` for any) fail with `errorType` in that API's error format. */
  failNext(action: string, errorType: string, times = 1, options: FailNextOptions = {}): void {
    this.c.faults.failNext(action, errorType, times, options);
  }

  /** `refuse`: the port is closed for `ms`; `503`: APIs answer `service_unavailable` for `ms`. */
  setDown(ms: number, mode: DownMode = 'refuse'): Promise<void> {
    return this.server.setDown(ms, mode);
  }

  /** `too_many_requests` past `limit` Web API calls per window; `limit <= 0` turns it off. */
  setRateLimit(limit: number, windowMs: number, scope: RateLimitScope = 'global'): void {
    this.c.faults.setRateLimit(limit, windowMs, scope);
  }

  setWebhookFaults(faults: Partial<WebhookFaults>): void {
    this.c.delivery.setFaults(faults);
  }

  /** Moves the licence: requests for the old region get `misdirected_request` with `data.region`. */
  setRegion(region: string): void {
    this.c.options.region = region;
  }

  setLatency(ms: number): void {
    this.c.faults.latencyMs = ms;
  }

  resetFaults(): void {
    this.c.faults.reset();
    this.c.delivery.setFaults({ duplicate: false, reorder: false, delayMs: 0, failFirstAttempts: 0, wrongSecret: false });
  }

  /** Expires every token issued so far; returns how many. */
  expireTokens(kind: TokenKind = 'all'): number {
    return this.c.tokens.expire(kind);
  }

  /** A fresh single-use code for the `authorization_code` grant. */
  issueAuthorizationCode(): string {
    const code = `code-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    const o = this.c.options;
    this.c.tokens.addAuthorizationCode(code, { accountId: o.accountId, clientId: o.clientId, scopes: o.agentScopes });
    return code;
  }


  /** Registers without the Configuration API, as the Developer Console would. Validated the same way. */
  registerWebhook(input: DirectWebhook): RegisteredWebhook {
    const body = { url: input.url, action: input.action, secret_key: input.secretKey, type: 'license', filters: input.filters, additional_data: input.additionalData };
    return this.c.registry.register(webhookRegistration(body, input.ownerClientId ?? this.c.options.clientId));
  }

  webhooks(): RegisteredWebhook[] {
    return this.c.registry.list();
  }

  webhookDeliveries(): DeliveryRecord[] {
    return this.observer.deliveries();
  }

  chats(): ChatSnapshot[] {
    return this.observer.chats();
  }

  chat(chatId: string): ChatSnapshot | undefined {
    return this.observer.chat(chatId);
  }

  customerEvents(chatId: string): SimEvent[] {
    return this.observer.customerEvents(chatId);
  }

  /** The v2 pending-messages log of a visitor's current session. */
  v2Events(visitorId: string): V2Event[] {
    return this.observer.v2Events(visitorId);
  }

  state(): Record<string, unknown> {
    const o = this.c.options;
    return {
      url: this.url,
      organizationId: o.organizationId,
      licenseId: o.licenseId,
      region: o.region,
      clientId: o.clientId,
      agents: this.agents(),
      chats: this.c.store.size,
      activeChats: this.c.store.active.size,
      webhooks: this.c.registry.list().length,
      agentTokensIssued: this.c.tokens.agentTokensIssued,
      faults: {
        down: this.server.isDown ?? null,
        latencyMs: this.c.faults.latencyMs,
        failNext: this.c.faults.pendingFailures(),
        webhooks: this.c.delivery.currentFaults(),
      },
    };
  }


  waitFor<T>(check: () => T | undefined | null | false, timeoutMs?: number, description?: string): Promise<T> {
    return this.observer.waitFor(check, timeoutMs, description);
  }

  waitForChat(predicate?: (chat: ChatSnapshot) => boolean, timeoutMs?: number): Promise<ChatSnapshot> {
    return this.observer.waitForChat(predicate, timeoutMs);
  }

  waitForCustomerEvents(chatId: string, count: number, timeoutMs?: number): Promise<SimEvent[]> {
    return this.observer.waitForCustomerEvents(chatId, count, timeoutMs);
  }

  waitForCustomerEvent(chatId: string, predicate: (event: SimEvent) => boolean, timeoutMs?: number): Promise<SimEvent> {
    return this.observer.waitForCustomerEvent(chatId, predicate, timeoutMs);
  }

  waitForDeliveries(predicate: (record: DeliveryRecord) => boolean, count?: number, timeoutMs?: number): Promise<DeliveryRecord[]> {
    return this.observer.waitForDeliveries(predicate, count, timeoutMs);
  }

  waitForChatClosed(chatId: string, timeoutMs?: number): Promise<ChatSnapshot> {
    return this.observer.waitForChatClosed(chatId, timeoutMs);
  }
}
