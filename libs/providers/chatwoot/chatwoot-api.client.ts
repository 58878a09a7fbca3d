import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { HttpTransport, parseRetryAfter, RetryPolicy, TransportTimeoutError, type HttpRequest } from '@agent-bridge/http';
import { ProviderError, ProviderErrorCode } from '@agent-bridge/desk-port';

const TIMEOUT_MS = 10_000;

/** An answer of Chatwoot's that was not a 2xx; `message` is Chatwoot's own words (never the request). */
export class ChatwootApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(`HTTP ${status}${message ? `: ${message}` : ''}`);
    this.name = 'ChatwootApiError';
  }

  /** Rate limits and server errors pass; Chatwoot answers 4xx only to what would fail again. */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** Maps what Chatwoot said to what the hand-off engine understands. */
export function toProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof ChatwootApiError) {
    // The conversation was deleted in Chatwoot: nothing sent to it can arrive.
    if (error.status === 404) return new ProviderError(ProviderErrorCode.ChatClosed, error.message);
    return new ProviderError(error.retryable ? ProviderErrorCode.Unavailable : ProviderErrorCode.Rejected, error.message);
  }
  // Timeouts, refused connections, resets: Chatwoot is away, not refusing.
  return new ProviderError(ProviderErrorCode.Unavailable, (error as Error).message);
}

/**
 * 4 attempts, 200-300 ms, 400-500 ms and 800-900 ms apart, or what Retry-After asks for up to 2 s;
 * a longer wait is the caller's (the delivery job or the lane retries on top).
 */
const RETRY = new RetryPolicy({
  attempts: 4,
  firstDelayMs: 200,
  jitterMs: 100,
  maxDelayMs: 2_000,
  retryable: (error) => error instanceof TransportTimeoutError || !(error instanceof ChatwootApiError) || error.retryable,
  retryAfterMs: (error) => (error instanceof ChatwootApiError ? error.retryAfterMs : undefined),
});

/**
 * HTTP to Chatwoot: the Application API of one account with the API token (`api_access_token`),
 * and the Client API of the API channel inbox (what the contact does: typing, reading). Every call
 * is retried briefly on 429 (honouring Retry-After), 5xx, timeouts and lost connections.
 */
@Injectable()
export class ChatwootApiClient {
  constructor(
    private readonly http: HttpTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `path` under `/api/v1/accounts/<account>`. */
  account<T>(method: HttpRequest['method'], path: string, body?: object, attempts?: number): Promise<T> {
    const { url, accountId, apiToken } = this.config.chatwoot;
    return this.call<T>(method, `${url}/api/v1/accounts/${accountId}${path}`, { api_access_token: apiToken }, body, attempts);
  }

  /** `path` under `/public/api/v1/inboxes/<inbox identifier>`: the contact's side, no token. */
  client<T>(inboxIdentifier: string, path: string, body?: object, attempts?: number): Promise<T> {
    return this.call<T>('POST', `${this.config.chatwoot.url}/public/api/v1/inboxes/${encodeURIComponent(inboxIdentifier)}${path}`, {}, body, attempts);
  }

  private call<T>(method: HttpRequest['method'], url: string, headers: Record<string, string>, body: object | undefined, attempts?: number): Promise<T> {
    const request: HttpRequest = {
      method,
      url,
      headers: { ...headers, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      timeoutMs: TIMEOUT_MS,
    };
    return RETRY.execute(async () => {
      const res = await this.http.request(request);
      if (res.status >= 200 && res.status < 300) return (res.body ? safeJson(res.body) : {}) as T;
      throw new ChatwootApiError(res.status, errorText(res.body), res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers['retry-after']) : undefined);
    }, attempts);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

/** Chatwoot's error bodies: `{error}`, `{message}` or `{errors: [...]}`; kept short, for logs. */
function errorText(body: string): string {
  const parsed = safeJson(body) as { error?: unknown; message?: unknown; errors?: unknown } | null;
  const text = parsed?.error ?? parsed?.message ?? (Array.isArray(parsed?.errors) ? parsed.errors.join(', ') : undefined);
  return typeof text === 'string' ? text.slice(0, 200) : '';
}
