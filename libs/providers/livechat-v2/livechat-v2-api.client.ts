import type { AppConfig } from '@agent-bridge/config';
import { TransportTimeoutError, type HttpTransport } from '@agent-bridge/http';
import type { V2Event } from './livechat-v2.types';
import { ProviderError, ProviderErrorCode } from '@agent-bridge/desk-port';

// Under LiveChat's ~30 s keep-alive, so one slow poll cannot by itself let a chat lapse.
const TIMEOUT_MS = 10_000;

export type V2Call = 'start' | 'send_message' | 'get_pending_messages' | 'close';

/** Names the call and status only: the URL carries the `secured_session_id`, the chat's only credential. */
export class LiveChatV2Error extends Error {
  constructor(
    readonly call: V2Call,
    /** 0 when no HTTP answer came (timeout, refused connection). */
    readonly status: number,
    detail: string,
  ) {
    super(`livechat-v2 ${call}: ${detail}`);
  }

  get unreachable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** On a chat that exists, v2's 400 and 404 mean it was closed meanwhile. */
export function toProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (!(error instanceof LiveChatV2Error)) return new ProviderError(ProviderErrorCode.Unavailable, (error as Error).message);
  if (error.unreachable) return new ProviderError(ProviderErrorCode.Unavailable, error.message);
  if (error.call !== 'start' && (error.status === 400 || error.status === 404)) return new ProviderError(ProviderErrorCode.ChatClosed, error.message);
  return new ProviderError(ProviderErrorCode.Rejected, error.message);
}

/** For `close`: 401 too, since our `secured_session_id` no longer opens anything (the visitor has a newer chat). */
export function chatIsGone(error: unknown): boolean {
  if (error instanceof LiveChatV2Error) return error.status === 400 || error.status === 401 || error.status === 404;
  return error instanceof ProviderError && error.code === ProviderErrorCode.ChatClosed;
}

export interface StartParams {
  welcomeMessage: string;
  name: string;
  email: string | null;
  /** The LiveChat group the chat starts in; null: the configured one (LIVECHAT_GROUP_ID), else LiveChat's default. */
  group?: number | null;
}

/**
 * No retries here: polls repeat on their own schedule, deliveries retry as jobs, and a blind retry of
 * `send_message` after a timeout could show the agent a message twice (v2 has no idempotency key).
 */
export class LiveChatV2ApiClient {
  constructor(
    private readonly http: HttpTransport,
    private readonly config: AppConfig['livechat'],
  ) {}

  async start(visitorId: string, params: StartParams): Promise<string> {
    const form: Record<string, string> = { licence_id: this.config.licenseId, welcome_message: params.welcomeMessage, name: params.name };
    if (params.email) form.email = params.email;
    // The routed team's group (desk_groups["livechat-v2"]), else the configured one.
    const group = params.group ?? this.config.groupId;
    if (group !== null) form.group = String(group);
    const body = await this.post<{ secured_session_id?: unknown; banned?: unknown }>(visitorId, 'start', form);
    if (body.banned === true) throw new LiveChatV2Error('start', 403, 'visitor is banned');
    if (typeof body.secured_session_id !== 'string' || !body.secured_session_id) throw new LiveChatV2Error('start', 502, 'no secured_session_id in the answer');
    return body.secured_session_id;
  }

  async sendMessage(visitorId: string, sessionId: string, message: string): Promise<void> {
    await this.post(visitorId, 'send_message', { licence_id: this.config.licenseId, secured_session_id: sessionId, message });
  }

  async close(visitorId: string, sessionId: string): Promise<void> {
    await this.post(visitorId, 'close', { licence_id: this.config.licenseId, secured_session_id: sessionId });
  }

  /** Oldest first. Each call is also the chat's keep-alive. */
  async pendingEvents(visitorId: string, sessionId: string, lastMessageId: number): Promise<V2Event[]> {
    const query = new URLSearchParams({ licence_id: this.config.licenseId, secured_session_id: sessionId, last_message_id: String(lastMessageId) });
    const body = await this.send<{ events?: unknown }>('get_pending_messages', 'GET', `${this.url(visitorId, 'get_pending_messages')}?${query}`);
    if (!Array.isArray(body.events)) throw new LiveChatV2Error('get_pending_messages', 502, 'no events array in the answer');
    return (body.events as V2Event[]).filter((e) => e && Number.isInteger(e.message_id)).sort((a, b) => a.message_id - b.message_id);
  }

  private post<T>(visitorId: string, call: V2Call, form: Record<string, string>): Promise<T> {
    return this.send<T>(call, 'POST', this.url(visitorId, call), new URLSearchParams(form).toString());
  }

  private url(visitorId: string, call: V2Call): string {
    return `${this.config.apiUrl}/visitors/${encodeURIComponent(visitorId)}/chat/${call}`;
  }

  private async send<T>(call: V2Call, method: 'GET' | 'POST', url: string, body?: string): Promise<T> {
    const headers: Record<string, string> = { 'x-api-version': '2', accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    let res;
    try {
      res = await this.http.request({ method, url, headers, body, timeoutMs: TIMEOUT_MS });
    } catch (error) {
      const detail = error instanceof TransportTimeoutError ? 'timed out' : `no answer (${(error as NodeJS.ErrnoException).code ?? 'network error'})`;
      throw new LiveChatV2Error(call, 0, detail);
    }
    const parsed = parseJson(res.body);
    if (res.status >= 200 && res.status < 300) return (parsed ?? {}) as T;
    // LiveChat's own error text is short and names no user data; bounded all the same.
    const reason = typeof (parsed as { error?: unknown } | null)?.error === 'string' ? `: ${String((parsed as { error: string }).error).slice(0, 120)}` : '';
    throw new LiveChatV2Error(call, res.status, `HTTP ${res.status}${reason}`);
  }
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
