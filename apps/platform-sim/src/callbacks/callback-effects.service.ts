import type { IncomingHttpHeaders } from 'node:http';
import { isPlainObject } from '../http/json-io.helper';
import type { BotVariable } from '../sim.types';
import type { RegisteredBot } from '../state/bot.registry';
import type { ConversationStore } from '../state/conversation.store';
import type { IssuedRequest, RequestRegistry } from '../state/request.registry';
import { historyPage, parsePaging } from './history.presenter';
import { messageLimitViolation } from './message-limits.policy';

export interface EffectInput {
  bot: RegisteredBot;
  /** Set for every POST endpoint: the issued request the URL names, already checked to be open. */
  request?: IssuedRequest;
  body: Record<string, unknown>;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
}

export interface EffectResult {
  status: number;
  body: unknown;
  error?: string;
}

export interface FlowHooks {
  botReceives(request: IssuedRequest, text: string): void;
  webhookCompleted(request: IssuedRequest, context: Record<string, unknown>): void;
}

export interface HookResponse {
  botId: string;
  requestId: string;
  body: Record<string, unknown>;
}

const OK: EffectResult = { status: 200, body: { ok: true } };
const bad = (error: string, status = 400): EffectResult => ({ status, body: undefined, error });

export class CallbackEffects {
  readonly hookResponses: HookResponse[] = [];

  constructor(
    private readonly conversations: ConversationStore,
    private readonly registry: RequestRegistry,
    private readonly flow: FlowHooks,
    private readonly botVariables: Record<string, unknown[]>,
  ) {}

  apply(fn: string, input: EffectInput): EffectResult {
    const { bot, body } = input;
    const request = input.request;
    if (!request) return fn === 'getMessages' ? this.getMessages(input) : this.botVariablesFor(input.headers);
    const { userId } = request;
    switch (fn) {
      case 'sendUserMessage':
      case 'sendAlertMessage': {
        const text = userFacingText(body);
        if (text === undefined) return bad('message is required');
        this.conversations.deliver(bot.botId, userId, text, templateOf(body));
        return OK;
      }
      case 'sendBotMessage': {
        if (typeof body.message !== 'string' || body.message.length === 0) return bad('message is required');
        const violation = messageLimitViolation(body.message);
        if (violation) return bad(violation);
        this.flow.botReceives(request, body.message);
        return OK;
      }
      case 'sendBotEvent':
        this.conversations.sendBotEvent(bot.botId, userId, {
          type: 'events',
          from: 'bot',
          botInfo: { chatBot: bot.botName, taskBotId: bot.botId },
          preDefinedEvent: body.preDefinedEvent,
          customEvent: body.customEvent,
        });
        return OK;
      case 'resetBot':
      case 'closeConversationSession':
        this.conversations.resetDialog(bot.botId, userId, fn === 'closeConversationSession');
        return OK;
      case 'sendFeedbackMessage':
        // BotKit refuses a survey without name and score before calling; the platform needs both.
        if (!isPlainObject(body.feedbackData) || body.feedbackData.name === undefined || body.feedbackData.score === undefined) {
          return bad('feedbackData with name and score is required');
        }
        return OK;
      case 'startAgentSession':
      case 'clearAgentSession':
        this.conversations.get(bot.botId, userId).agentSession = fn === 'startAgentSession';
        return OK;
      case 'extendRequestId':
        this.registry.extend(request);
        return { status: 200, body: { ok: true, expiresOn: new Date(request.expiresAt).toISOString() } };
      case 'respondToHook':
        return this.respondToHook(request, body);
      default:
        return OK;
    }
  }

  clear(): void {
    this.hookResponses.length = 0;
  }

  /**
   * Only an on_webhook still waiting for its answer takes a callback, once. A callback racing the
   * bridge's own 202 (still 'in-flight' here) is taken too: the bridge cannot order the two.
   */
  private respondToHook(request: IssuedRequest, body: Record<string, unknown>): EffectResult {
    if (request.event !== 'on_webhook' || (request.hook !== 'async' && request.hook !== 'in-flight')) {
      return bad('No pending webhook for this request', 404);
    }
    if (!isPlainObject(body.context)) return bad('context is required');
    request.hook = 'done';
    this.hookResponses.push({ botId: request.botId, requestId: request.requestId, body });
    this.conversations.get(request.botId, request.userId).hookContext = body.context;
    this.flow.webhookCompleted(request, body.context);
    return OK;
  }

  private getMessages({ bot, query }: EffectInput): EffectResult {
    if (!query.userId) return bad('userId is required');
    const paging = parsePaging(query);
    if (!paging.ok) return bad(paging.msg);
    return { status: 200, body: historyPage(this.conversations.find(bot.botId, query.userId), paging, query.channelType) };
  }

  private botVariablesFor(headers: IncomingHttpHeaders): EffectResult {
    const language = headers['bot-language'];
    if (typeof language !== 'string' || language.length === 0) return bad('bot-language header is required');
    if (!Object.hasOwn(this.botVariables, language)) return bad(`Language ${language} is not enabled for this bot`);
    return { status: 200, body: this.botVariables[language] };
  }
}

/** The text the user sees: a template override wins over `message`, as on the platform. */
function userFacingText(body: Record<string, unknown>): string | undefined {
  const override = body.overrideMessagePayload;
  if (isPlainObject(override) && override.body !== undefined) {
    return typeof override.body === 'string' ? override.body : JSON.stringify(override.body);
  }
  return typeof body.message === 'string' && body.message.length > 0 ? body.message : undefined;
}

/**
 * A template the Web SDK renders (`overrideMessagePayload: {body, isTemplate: true}`, the body the
 * template's JSON as a bot would send it): `{type:'template', payload:{template_type,…}}`. Any
 * other body is shown as text, as the SDK does with what it cannot render.
 */
function templateOf(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const override = body.overrideMessagePayload;
  if (!isPlainObject(override) || override.isTemplate !== true) return undefined;
  let parsed: unknown = override.body;
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      return undefined;
    }
  }
  if (!isPlainObject(parsed) || parsed.type !== 'template' || !isPlainObject(parsed.payload) || typeof parsed.payload.template_type !== 'string') return undefined;
  return parsed;
}

export const DEFAULT_BOT_VARIABLES: Record<string, BotVariable[]> = {
  en: [
    { key: 'supportHours', value: '9am-5pm', hint: 'When agents are online', variableType: 'env', scope: 'prePopulated' },
    { key: 'greeting', value: 'Hello from the sandbox', variableType: 'content', scope: 'prePopulated' },
  ],
  de: [
    { key: 'supportHours', value: '9-17 Uhr', hint: 'When agents are online', variableType: 'env', scope: 'prePopulated' },
    { key: 'greeting', value: 'Hallo aus der Sandbox', variableType: 'content', scope: 'prePopulated' },
  ],
};
