import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { HttpTransport, RetryPolicy, TransportTimeoutError, type HttpRequest } from '@agent-bridge/http';
import { signJwt } from '../auth/jwt';
import { BotCredentialsService } from '../auth/bot-credentials';
import type { BotkitPayload } from '../payload/botkit-payload';
import type { RequestUrls } from '../payload/request-urls';
import { RequestStoreService } from '../store/request-store.service';
import { BotkitError, BotkitErrorCode } from './botkit.errors';
import { checkMessageLimits } from './message-limits';

export interface CallOptions {
  /** In all (1 = no retry); only network errors, timeouts, 429 and 5xx are retried. */
  attempts?: number;
  timeoutMs?: number;
}

export interface GetMessagesQuery {
  skip?: number;
  limit?: number;
  userId?: string;
  channelType?: string;
}

export interface PlatformHistoryMessage {
  _id?: string;
  type?: string;
  createdOn?: string;
  components?: Array<{ cT?: string; data?: { text?: unknown } }>;
  [key: string]: unknown;
}

export interface GetMessagesResult {
  total?: number;
  moreAvailable?: boolean;
  messages: PlatformHistoryMessage[];
  [key: string]: unknown;
}

export interface FeedbackSurvey {
  name: string;
  score: number | string;
  [key: string]: unknown;
}

export interface MetaTags {
  userMetaTags?: Array<{ name: string; value: string }>;
  sessionMetaTags?: Array<{ name: string; value: string }>;
  messageMetaTags?: Array<{ name: string; value: string }>;
}

const RETRY_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
const JWT_LIFETIME_SECONDS = 60;
const DEFAULT_ATTEMPTS = 3;
const RETRY = new RetryPolicy({
  attempts: DEFAULT_ATTEMPTS,
  firstDelayMs: 100,
  jitterRatio: 1,
  maxDelayMs: 5_000,
  retryable: (error) => error instanceof BotkitError && error.retryable,
});

/** Meta tags need platform v8.0 or later. */
export function withMetaTags<T extends BotkitPayload>(payload: T, tags: MetaTags): T {
  const current = (payload.metaTags ?? {}) as MetaTags;
  const merged: MetaTags = { ...current };
  for (const kind of ['userMetaTags', 'sessionMetaTags', 'messageMetaTags'] as const) {
    if (tags[kind]) merged[kind] = [...(current[kind] ?? []), ...tags[kind]!];
  }
  return { ...payload, metaTags: merged };
}

/**
 * Wire-compatible with Kore's BotKit (URLs, bodies, `auth` JWT). Unlike it, every call has a timeout
 * and bounded retries, and failures are typed errors, never logged with their headers.
 */
@Injectable()
export class BotkitClient {
  private readonly logger = new Logger(BotkitClient.name);

  constructor(
    private readonly transport: HttpTransport,
    private readonly credentials: BotCredentialsService,
    private readonly store: RequestStoreService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async sendUserMessage(payload: BotkitPayload, options?: CallOptions): Promise<void> {
    checkMessageLimits(payload.message);
    return this.postTo(payload, 'sendUserMessageUrl', options);
  }

  async sendBotMessage(payload: BotkitPayload, options?: CallOptions): Promise<void> {
    checkMessageLimits(payload.message);
    return this.postTo(payload, 'sendBotMessageUrl', options);
  }

  /** BotKit checked `sendBotMessageUrl` here but posted to `sendAlertMessageUrl`; we check what we use. */
  async sendAlertMessage(payload: BotkitPayload, options?: CallOptions): Promise<void> {
    return this.postTo(payload, 'sendAlertMessageUrl', options);
  }

  /** Documented for on_client_event (https://developer.kore.ai/docs/bots/sdks/sdk-events/) but absent from BotKit. */
  async sendBotEvent(payload: BotkitPayload, options?: CallOptions): Promise<void> {
    return this.postTo(payload, 'sendBotEventUrl', options);
  }

  async skipUserMessage(payload: BotkitPayload, options?: CallOptions): Promise<void> {
    return this.postTo(payload, 'skipUserMessageUrl', options);
  }

  async skipBotMessage(payload: BotkitPayload, options?: CallOptions): Promise<void> {
    return this.postTo(payload, 'skipBotMessageUrl', options);
  }

  /** `request`: the inbound event's `requestUrls`; only on_variable_update's payload holds resetBotUrl. */
  async resetBot(payload: BotkitPayload, request?: RequestUrls, options?: CallOptions): Promise<void> {
    return this.post(payload, this.requireUrl({ ...request, ...payload }, 'resetBotUrl'), options);
  }

  /** `request`: as for resetBot; no payload class carries clearConversationSessionUrl. */
  async closeConversationSession(payload: BotkitPayload, request?: RequestUrls, options?: CallOptions): Promise<void> {
    return this.post(payload, this.requireUrl({ ...request, ...payload }, 'clearConversationSessionUrl'), options);
  }

  /** BotKit's alias of closeConversationSession. */
  async clearConversationSession(payload: BotkitPayload, request?: RequestUrls, options?: CallOptions): Promise<void> {
    return this.closeConversationSession(payload, request, options);
  }

  /** `feedbackData` is enriched as BotKit does it. */
  async sendFeedbackMessage(payload: BotkitPayload, survey: FeedbackSurvey, options?: CallOptions): Promise<void> {
    if (!survey || survey.name === undefined || survey.score === undefined) {
      throw new BotkitError(BotkitErrorCode.InvalidArguments, 'sendFeedbackMessage needs a survey with name and score');
    }
    const channel = payload.channel;
    const feedbackData = {
      botId: payload.botId,
      channelUId: channel?.channelInfos?.from ?? channel?.from,
      channel: channel?.type,
      botLanguage: channel?.botLanguage,
      createdOn: new Date().toISOString(),
      ...survey,
    };
    const url = this.requireUrl(payload, 'sendFeedbackMessageUrl');
    await this.call(payload.botId, { method: 'POST', url, body: JSON.stringify({ ...payload, feedbackData }) }, options);
  }

  async startAgentSession(payload: BotkitPayload, options?: CallOptions): Promise<void> {
    return this.post(payload, `${this.baseUrl(payload)}/startAgentSession/${payload.requestId}`, options);
  }

  async clearAgentSession(payload: BotkitPayload, options?: CallOptions): Promise<void> {
    return this.post(payload, `${this.baseUrl(payload)}/clearAgentSession/${payload.requestId}`, options);
  }

  async extendRequestId(payload: BotkitPayload, options?: CallOptions): Promise<void> {
    return this.post(payload, `${this.baseUrl(payload)}/extendcallid/${payload.requestId}`, options);
  }

  async getMessages(payload: BotkitPayload, query: GetMessagesQuery = {}, options?: CallOptions): Promise<GetMessagesResult> {
    const userId = query.userId ?? payload.channel?.channelInfos?.from;
    if (!userId) throw new BotkitError(BotkitErrorCode.InvalidArguments, 'getMessages needs a userId or channel.channelInfos.from');
    const params = new URLSearchParams({ skip: String(query.skip ?? 0), limit: String(query.limit ?? 20), userId });
    if (query.channelType) params.set('channelType', query.channelType);
    const body = await this.call(payload.botId, { method: 'GET', url: `${this.baseUrl(payload)}/getMessages?${params}` }, options);
    const parsed = parseJson(body) as GetMessagesResult | undefined;
    if (!parsed || !Array.isArray(parsed.messages)) {
      throw new BotkitError(BotkitErrorCode.PlatformRejected, 'getMessages answered without a messages array');
    }
    return parsed;
  }

  /** One GET per language, as BotKit does. */
  async fetchBotVariable(payload: BotkitPayload, languages: string[], options?: CallOptions): Promise<unknown[]> {
    const url = this.requireUrl(payload, 'getBotVariableUrl');
    return Promise.all(
      languages.map(async (language) =>
        parseJson(await this.call(payload.botId, { method: 'GET', url, headers: { 'bot-language': language } }, options)),
      ),
    );
  }

  async saveData(requestId: string, payload: BotkitPayload): Promise<void> {
    if (payload.requestId !== requestId) {
      throw new BotkitError(BotkitErrorCode.InvalidArguments, 'saveData: requestId does not match the payload');
    }
    return this.store.saveData(requestId, payload);
  }

  getSavedData(botId: string, requestId: string): Promise<BotkitPayload | null> {
    return this.store.getSavedData(botId, requestId);
  }

  async respondToHook(payload: BotkitPayload, options?: CallOptions): Promise<void> {
    const saved = await this.store.getSavedData(payload.botId, payload.requestId);
    if (!saved) {
      throw new BotkitError(BotkitErrorCode.RequestNotFound, 'Request not found in request store');
    }
    await this.postTo(payload, 'callbackUrl', options);
    await this.store.deleteSavedData(payload.botId, payload.requestId);
  }

  private baseUrl(payload: BotkitPayload): string {
    return this.requireUrl(payload, 'baseUrl').replace(/\/$/, '');
  }

  private requireUrl(payload: Record<string, unknown>, field: string): string {
    const url = payload[field];
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
      throw new BotkitError(BotkitErrorCode.InvalidArguments, `payload has no ${field}`);
    }
    return url;
  }

  private postTo(payload: BotkitPayload, field: string, options?: CallOptions): Promise<void> {
    return this.post(payload, this.requireUrl(payload, field), options);
  }

  private async post(payload: BotkitPayload, url: string, options?: CallOptions): Promise<void> {
    await this.call(payload.botId, { method: 'POST', url, body: JSON.stringify(payload) }, options);
  }

  private async call(
    botId: string,
    req: Omit<HttpRequest, 'timeoutMs'>,
    options: CallOptions = {},
  ): Promise<string> {
    const creds = this.credentials.forBot(botId);
    if (!creds) throw new BotkitError(BotkitErrorCode.NoCredentials, `no credentials configured for bot ${botId}`);
    const attempts = Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS);
    const timeoutMs = options.timeoutMs ?? this.config.kore.requestTimeoutMs;
    const path = new URL(req.url).pathname;
    return RETRY.execute(async ({ attempt }) => {
      // A fresh token per attempt; `exp` an integer (BotKit sent a fractional one).
      const token = signJwt({ appId: creds.clientId, exp: Math.floor(Date.now() / 1000) + JWT_LIFETIME_SECONDS }, creds.clientSecret, creds.jwtAlgorithm);
      const headers = { 'content-type': 'application/json', 'user-agent': 'agent-bridge (Kore/BotKit compatible)', ...req.headers, auth: token };
      let failure: BotkitError;
      try {
        const res = await this.transport.request({ ...req, headers, timeoutMs });
        if (res.status >= 200 && res.status < 300) return res.body;
        failure = new BotkitError(
          RETRY_STATUS.has(res.status) ? BotkitErrorCode.PlatformUnavailable : BotkitErrorCode.PlatformRejected,
          `${req.method} ${path} answered ${res.status}`,
          RETRY_STATUS.has(res.status),
          res.status,
        );
      } catch (error) {
        failure =
          error instanceof TransportTimeoutError
            ? new BotkitError(BotkitErrorCode.Timeout, `${req.method} ${path} timed out after ${timeoutMs} ms`, true)
            : new BotkitError(BotkitErrorCode.PlatformUnavailable, `${req.method} ${path} failed: ${(error as Error).message}`, true);
      }
      if (failure.retryable) this.logger.debug(`attempt ${attempt + 1}/${attempts} failed: ${failure.message}`);
      throw failure;
    }, attempts);
  }
}

function parseJson(body: string): unknown {
  if (!body) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    throw new BotkitError(BotkitErrorCode.PlatformRejected, 'platform answered with a body that is not JSON');
  }
}
