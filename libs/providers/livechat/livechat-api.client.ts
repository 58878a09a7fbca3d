import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { HttpTransport, RetryPolicy, TransportTimeoutError } from '@agent-bridge/http';
import { ProviderError, ProviderErrorCode } from '@agent-bridge/desk-port';

const API_VERSION = 'v3.6';
const TIMEOUT_MS = 15_000; // LiveChat's own server-side request timeout
const RETRYABLE = new Set(['too_many_requests', 'internal', 'service_unavailable', 'request_timeout']);

/** A LiveChat error, decoded from `error.type` (never from the HTTP status, which is undocumented). */
export class LiveChatApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
    readonly data?: Record<string, unknown>,
  ) {
    super(`${type}: ${message}`);
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.type);
  }
}

export function toProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof LiveChatApiError) {
    if (error.type === 'chat_inactive') return new ProviderError(ProviderErrorCode.ChatClosed, error.message);
    if (error.type === 'groups_offline' || error.type === 'group_offline' || error.type === 'group_unavailable') {
      return new ProviderError(ProviderErrorCode.NoAgents, error.message);
    }
    if (error.retryable || error.type === 'authentication') return new ProviderError(ProviderErrorCode.Unavailable, error.message);
    return new ProviderError(ProviderErrorCode.Rejected, error.message);
  }
  return new ProviderError(ProviderErrorCode.Unavailable, (error as Error).message);
}

/** The delivery job retries longer on top. A misdirected_request is retried at once, in the region it names. */
const RETRY = new RetryPolicy({
  attempts: 4,
  firstDelayMs: 150,
  jitterMs: 100,
  maxDelayMs: 2_000,
  retryable: (error) =>
    misdirectedRegion(error) !== null || error instanceof TransportTimeoutError || !(error instanceof LiveChatApiError) || error.retryable,
  retryAfterMs: (error) => (misdirectedRegion(error) !== null ? 0 : undefined),
});

export interface CallResult<T> {
  body: T;
}

@Injectable()
export class LiveChatApiClient {
  private readonly logger = new Logger(LiveChatApiClient.name);
  private region: string | null = null;

  constructor(
    private readonly http: HttpTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  customerAction<T>(action: string, token: string, body: object): Promise<T> {
    const url = `${this.config.livechat.apiUrl}/${API_VERSION}/customer/action/${action}?organization_id=${encodeURIComponent(this.config.livechat.organizationId)}`;
    return this.call<T>(url, { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, JSON.stringify(body), regionOf(token));
  }

  /** Agent Chat API, with the app's agent token (chats--all:rw). */
  agentAction<T>(action: string, token: string, body: object): Promise<T> {
    const url = `${this.config.livechat.apiUrl}/${API_VERSION}/agent/action/${action}`;
    return this.call<T>(url, { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, JSON.stringify(body), regionOf(token));
  }

  /** The Accounts API is global: no region. */
  accounts<T>(path: string, headers: Record<string, string>, body: string): Promise<T> {
    return this.call<T>(`${this.config.livechat.accountsUrl}${path}`, headers, body, null);
  }

  private call<T>(url: string, headers: Record<string, string>, body: string, tokenRegion: string | null): Promise<T> {
    return RETRY.execute(async () => {
      const region = this.region ?? tokenRegion;
      try {
        const res = await this.http.request({
          method: 'POST',
          url,
          headers: region ? { ...headers, 'x-region': region } : headers,
          body,
          timeoutMs: TIMEOUT_MS,
        });
        const parsed = res.body ? safeJson(res.body) : {};
        if (res.status >= 200 && res.status < 300) return parsed as T;
        throw decodeError(res.status, parsed);
      } catch (error) {
        const misdirected = misdirectedRegion(error);
        if (misdirected !== null) {
          this.logger.log(`LiveChat licence is in region ${misdirected}; following it`);
          this.region = misdirected;
        }
        throw error;
      }
    });
  }
}

function misdirectedRegion(error: unknown): string | null {
  if (!(error instanceof LiveChatApiError) || error.type !== 'misdirected_request') return null;
  return typeof error.data?.region === 'string' ? error.data.region : null;
}

function regionOf(token: string): string | null {
  const match = /^([a-z]+(?:-[a-z])?):/.exec(token);
  return match ? match[1]! : null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { raw: text.slice(0, 200) };
  }
}

function decodeError(status: number, body: unknown): LiveChatApiError {
  const error = (body as { error?: { type?: unknown; message?: unknown; data?: Record<string, unknown> } } | null)?.error;
  if (error && typeof error.type === 'string') return new LiveChatApiError(error.type, String(error.message ?? ''), status, error.data);
  const oauth = body as { oauth_exception?: unknown; exception_description?: unknown } | null;
  if (oauth && typeof oauth.oauth_exception === 'string') {
    return new LiveChatApiError('authentication', `${oauth.oauth_exception}: ${String(oauth.exception_description ?? '')}`, status);
  }
  return new LiveChatApiError(status >= 500 ? 'internal' : 'unknown', `HTTP ${status}`, status);
}
