/**
 * Faults the next calls should meet. Action names are the API's own (`send_event`,
 * `register_webhook`), `token` / `customer_token` / `customer_info` for the Accounts API, and
 * `visitor.<call>` for the v2 API; `*` matches every call.
 */
export interface FailNextOptions {
  /** Overrides the HTTP status the error type maps to. */
  status?: number;
  message?: string;
  /** Answer only after this delay (a slow failure, e.g. `request_timeout` after 15 s). */
  delayMs?: number;
  data?: Record<string, unknown>;
}

export interface FailRule extends FailNextOptions {
  action: string;
  errorType: string;
  remaining: number;
}

export type RateLimitScope = 'global' | 'token';

interface Window {
  startedAt: number;
  count: number;
}

export class FaultInjector {
  private rules: FailRule[] = [];
  private limit: { max: number; windowMs: number; scope: RateLimitScope } | undefined;
  private readonly windows = new Map<string, Window>();
  /** Added before every API answer. */
  latencyMs = 0;

  failNext(action: string, errorType: string, times = 1, options: FailNextOptions = {}): void {
    if (times > 0) this.rules.push({ action, errorType, remaining: times, ...options });
  }

  /** Consumes one matching rule, oldest first. */
  take(action: string): FailRule | undefined {
    if (this.rules.length === 0) return undefined;
    const index = this.rules.findIndex((rule) => rule.action === action || rule.action === '*');
    if (index < 0) return undefined;
    const rule = this.rules[index]!;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules.splice(index, 1);
    return rule;
  }

  pendingFailures(): FailRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  /** `max <= 0` turns the limit off. */
  setRateLimit(max: number, windowMs: number, scope: RateLimitScope = 'global'): void {
    this.windows.clear();
    this.limit = max > 0 ? { max, windowMs, scope } : undefined;
  }

  /** Fixed windows: LiveChat only says the block lifts "after some time", so the window is the setting. */
  isRateLimited(tokenKey: string): boolean {
    if (!this.limit) return false;
    const key = this.limit.scope === 'global' ? '*' : tokenKey;
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.limit.windowMs) {
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return window.count > this.limit.max;
  }

  reset(): void {
    this.rules = [];
    this.limit = undefined;
    this.windows.clear();
    this.latencyMs = 0;
  }
}
