import { eventAuthHeaders } from '../auth/event-token.factory';
import type { OutboundClient } from '../http/outbound.client';
import type { HttpResult, SendEventInput, SendEventResult, Tone } from '../sim.types';
import type { BotRegistry } from '../state/bot.registry';
import type { ConversationStore } from '../state/conversation.store';
import { RequestRegistry, type IssuedRequest } from '../state/request.registry';
import { buildEventBody, type ToneEntry } from './event-body.builder';
import { deepMerge } from './deep-merge.util';
import { toneEntry } from '../bot/tone.analyzer';

export const DEFAULT_USER_ID = 'u-sandbox-user';

export interface FlowExtras {
  fromFlow?: boolean;
  dialogTone?: ToneEntry[];
  /** The user's text that started the turn, when `message` is the bot's. */
  userText?: string;
  preDefinedEvent?: { type: string; id?: string };
  /** The turn's tone, kept with the request but not put in this event's body. */
  turnTone?: Tone;
}

const DEFAULT_MESSAGES: Record<string, string> = {
  on_user_message: 'hello',
  on_bot_message: 'Hello from the sandbox bot',
  on_alert: 'Sandbox alert',
};

export interface SenderDeps {
  bots: BotRegistry;
  registry: RequestRegistry;
  conversations: ConversationStore;
  outbound: OutboundClient;
  simUrl: () => string;
  bridgeUrl: () => string;
}

export class EventSender {
  constructor(private readonly deps: SenderDeps) {}

  build(input: SendEventInput, extras: FlowExtras = {}): { request: IssuedRequest; body: Record<string, unknown> } {
    const bot = this.deps.bots.require(input.botId);
    const userId = input.userId ?? DEFAULT_USER_ID;
    const requestId = input.requestId ?? RequestRegistry.newId();
    const message = input.message ?? DEFAULT_MESSAGES[input.event];
    const componentName = input.event === 'on_webhook' ? (input.componentId ?? 'BookTheCab') : undefined;
    const built = buildEventBody({
      bot,
      event: input.event,
      requestId,
      userId,
      message,
      componentName,
      agentTransfer: this.deps.conversations.find(bot.botId, userId)?.agentSession ?? false,
      messageTone: input.tone ? [toneEntry(input.tone)] : undefined,
      dialogTone: extras.dialogTone ?? (input.tone ? [toneEntry(input.tone)] : undefined),
      simUrl: this.deps.simUrl(),
      preDefinedEvent: extras.preDefinedEvent,
    });
    // Issued at build time, so a body sent through sendRaw can still be called back on.
    const request = this.deps.registry.issue({
      requestId,
      botId: bot.botId,
      userId,
      event: input.event,
      userText: extras.userText ?? message,
      tone: input.tone ?? extras.turnTone,
      hook: input.event === 'on_webhook' ? 'in-flight' : undefined,
      componentName,
      fromFlow: extras.fromFlow,
    });
    return { request, body: input.body ? deepMerge(built, input.body) : built };
  }

  async send(input: SendEventInput, extras: FlowExtras = {}): Promise<SendEventResult> {
    const bot = this.deps.bots.require(input.botId);
    const { request, body } = this.build(input, extras);
    const route = input.route ?? (input.componentId ? 'component' : 'short');
    const botPath = `/sdk/bots/${encodeURIComponent(bot.botId)}`;
    const componentId = input.componentId ?? request.componentName ?? 'default';
    const path =
      route === 'component'
        ? `${botPath}/components/${encodeURIComponent(componentId)}/${encodeURIComponent(input.event)}`
        : `${botPath}/${encodeURIComponent(input.event)}`;
    const headers = { 'content-type': 'application/json', ...eventAuthHeaders(bot, input.auth) };
    try {
      const result = await this.raw(path, JSON.stringify(body), headers);
      this.settleHook(request, result);
      return { ...result, requestId: request.requestId };
    } catch (error) {
      if (request.hook === 'in-flight') request.hook = 'done';
      throw error;
    }
  }

  raw(path: string, body: string | Buffer, headers: Record<string, string>): Promise<HttpResult> {
    const base = this.deps.bridgeUrl().replace(/\/+$/, '');
    return this.deps.outbound.post(`${base}${path.startsWith('/') ? path : `/${path}`}`, body, headers);
  }

  /** A webhook answered 202 waits for its serviceCallback; any other answer settles it now. */
  private settleHook(request: IssuedRequest, result: HttpResult): void {
    if (request.hook !== 'in-flight') return;
    request.hook = result.status === 202 ? 'async' : 'done';
  }
}
