import { randomBytes, randomUUID } from 'node:crypto';
import type { BotkitEventName } from '@agent-bridge/botkit';
import { DEFAULT_WEBHOOK_COMPONENTS, ScriptedBot } from './bot/scripted-bot.service';
import { CallbackController } from './callbacks/callback.controller';
import { CallbackEffects, DEFAULT_BOT_VARIABLES } from './callbacks/callback-effects.service';
import { STREAM_PREFIX } from './callbacks/callback.routes';
import { FaultInjector } from './callbacks/fault.injector';
import { ControlController } from './control/control.controller';
import { eventAuthHeaders } from './auth/event-token.factory';
import { SUBSCRIBABLE_EVENTS } from './events/botkit-events.constants';
import { EventSender } from './events/event.sender';
import { ConversationFlow } from './flow/conversation-flow.service';
import { OutboundClient } from './http/outbound.client';
import { SimServer } from './http/sim.server';
import { RtmAuthController } from './rtm/rtm-auth.controller';
import { RtmGateway } from './rtm/rtm.gateway';
import { RtmSessionStore } from './rtm/rtm-session.store';
import type {
  AuthVariant,
  CallFilter,
  ClientEventType,
  HttpResult,
  PlatformSimOptions,
  RecordedCall,
  SendEventInput,
  SendEventResult,
  Tone,
  WebClientApp,
} from './sim.types';
import { BotRegistry } from './state/bot.registry';
import { CallRecorder } from './state/call.recorder';
import { ConversationStore } from './state/conversation.store';
import { RequestRegistry } from './state/request.registry';
import { ChatPageController } from './web/chat-page.controller';

const DEFAULT_WAIT_MS = 15_000; // generous: only a failing wait uses it all, and CI machines are shared

export class PlatformSim {
  private readonly bots: BotRegistry;
  private readonly registry: RequestRegistry;
  private readonly recorder: CallRecorder;
  private readonly conversations = new ConversationStore();
  private readonly faults = new FaultInjector();
  private readonly outbound = new OutboundClient();
  private readonly sender: EventSender;
  private readonly flow: ConversationFlow;
  private readonly effects: CallbackEffects;
  private readonly gateway: RtmGateway;
  private readonly server: SimServer;
  private readonly webClient: WebClientApp;
  private bridgeUrl: string;
  private listeningUrl: string | null = null;

  constructor(private readonly options: PlatformSimOptions) {
    if (!options.bridgeUrl) throw new Error('PlatformSim needs bridgeUrl');
    const ttlSeconds = options.requestTtlSeconds ?? 900;
    if (!(ttlSeconds > 0)) throw new Error('requestTtlSeconds must be positive');
    const log = options.log ?? ((line: string) => console.warn(line));
    this.bridgeUrl = options.bridgeUrl;
    this.bots = new BotRegistry(options.bots);
    this.registry = new RequestRegistry(ttlSeconds * 1000);
    this.recorder = new CallRecorder(options.maxRecordedCalls ?? 50_000);
    this.webClient = options.webClient ?? { clientId: `cs-${randomUUID()}`, clientSecret: randomBytes(24).toString('base64url') };
    const subscriptions = new Set<BotkitEventName>(options.subscriptions ?? SUBSCRIBABLE_EVENTS);
    this.sender = new EventSender({
      bots: this.bots,
      registry: this.registry,
      conversations: this.conversations,
      outbound: this.outbound,
      simUrl: () => this.url,
      bridgeUrl: () => this.bridgeUrl,
    });
    const scripted = new ScriptedBot(options.webhookComponents ?? DEFAULT_WEBHOOK_COMPONENTS);
    this.flow = new ConversationFlow({
      bots: this.bots,
      sender: this.sender,
      conversations: this.conversations,
      registry: this.registry,
      bot: scripted,
      subscriptions,
      log,
    });
    this.effects = new CallbackEffects(this.conversations, this.registry, this.flow, options.botVariables ?? DEFAULT_BOT_VARIABLES);
    const sessions = new RtmSessionStore();
    this.gateway = new RtmGateway({ bots: this.bots, sessions, conversations: this.conversations, flow: this.flow, log });
    const callbacks = new CallbackController({
      bots: this.bots,
      registry: this.registry,
      recorder: this.recorder,
      effects: this.effects,
      faults: this.faults,
    });
    const rtm = new RtmAuthController({
      bots: this.bots,
      sessions,
      conversations: this.conversations,
      webClient: this.webClient,
      socketBase: () => this.url.replace(/^http/, 'ws'),
    });
    const page = new ChatPageController(this.bots, this.webClient);
    const control = new ControlController(this);
    this.server = new SimServer(
      [
        async (req, res, url) => {
          if (!url.pathname.startsWith(STREAM_PREFIX)) return false;
          await callbacks.handle(req, res, url);
          return true;
        },
        (req, res, url) => rtm.handle(req, res, url),
        (req, res, url) => page.handle(req, res, url),
        (req, res, url) => control.handle(req, res, url),
      ],
      (req, socket, head) => this.gateway.upgrade(req, socket, head),
      log,
    );
  }

  async start(): Promise<void> {
    const address = await this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.listeningUrl = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
  }

  async stop(): Promise<void> {
    this.gateway.close();
    await this.server.close();
    this.registry.close();
    this.outbound.close();
  }

  /** The URL the bridge is told to call back (`publicUrl` when set). */
  get url(): string {
    if (this.options.publicUrl) return this.options.publicUrl.replace(/\/+$/, '');
    if (!this.listeningUrl) throw new Error('PlatformSim is not started');
    return this.listeningUrl;
  }

  get webClientApp(): WebClientApp {
    return { ...this.webClient };
  }

  setBridgeUrl(url: string): void {
    this.bridgeUrl = url;
  }

  buildEvent(input: SendEventInput): { requestId: string; body: Record<string, unknown> } {
    const { request, body } = this.sender.build(input);
    return { requestId: request.requestId, body };
  }

  sendEvent(input: SendEventInput): Promise<SendEventResult> {
    return this.sender.send(input);
  }

  sendRaw(path: string, body: string | Buffer, headers: Record<string, string>): Promise<HttpResult> {
    return this.sender.raw(path, body, headers);
  }

  /** The headers the platform would put on an event for this bot, e.g. to pair with sendRaw. */
  eventHeaders(botId: string, auth: AuthVariant = 'valid'): Record<string, string> {
    return { 'content-type': 'application/json', ...eventAuthHeaders(this.bots.require(botId), auth) };
  }

  userSays(botId: string, userId: string, text: string, opts?: { tone?: Tone }): Promise<{ requestId: string; status: number }> {
    return this.flow.userSays(botId, userId, text, opts);
  }

  clientEvent(botId: string, userId: string, type: ClientEventType, id?: string): Promise<{ status: number }> {
    return this.flow.clientEvent(botId, userId, type, id);
  }

  calls(filter?: CallFilter): RecordedCall[] {
    return this.recorder.list(filter);
  }

  waitForCalls(filter: CallFilter, count: number, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedCall[]> {
    return this.recorder.waitFor(filter, count, timeoutMs);
  }

  delivered(botId: string, userId: string): string[] {
    return [...(this.conversations.find(botId, userId)?.delivered ?? [])];
  }

  waitForDelivered(botId: string, userId: string, count: number, timeoutMs = DEFAULT_WAIT_MS): Promise<string[]> {
    return this.conversations.waitForDelivered(botId, userId, count, timeoutMs);
  }

  /** The message templates the user was shown (quick replies, buttons…), in order. */
  templates(botId: string, userId: string): Array<{ text: string; template: Record<string, unknown> }> {
    return [...(this.conversations.find(botId, userId)?.templates ?? [])];
  }

  inAgentSession(botId: string, userId: string): boolean {
    return this.conversations.find(botId, userId)?.agentSession ?? false;
  }

  hookResponses(botId?: string): Array<{ requestId: string; body: any }> {
    return this.effects.hookResponses
      .filter((r) => botId === undefined || r.botId === botId)
      .map(({ requestId, body }) => ({ requestId, body }));
  }

  /** Closes a request's callback window now, to test what happens after it lapses. */
  expireRequest(requestId: string): void {
    this.registry.expire(requestId);
  }

  failNext(fn: string, status: number, times = 1): void {
    this.faults.failNext(fn, status, times);
  }

  setLatency(ms: number): void {
    if (!(ms >= 0)) throw new Error('setLatency: ms must be >= 0');
    this.faults.latencyMs = ms;
  }

  /** Forgets conversations, requests, recorded calls, hook answers, faults and latency; sockets stay open. */
  reset(): void {
    this.recorder.clear();
    this.conversations.clear();
    this.registry.clear();
    this.effects.clear();
    this.faults.clear();
  }

  defaultBotId(): string {
    return this.bots.first().botId;
  }

  hasBot(botId: string): boolean {
    return this.bots.get(botId) !== undefined;
  }
}
