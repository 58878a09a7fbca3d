import { DelegateBackoff, handleWhen, retry, type IRetryBackoffContext, type RetryPolicy as CockatielRetry } from 'cockatiel';

export interface RetryOptions {
  /** Attempts in all, the first included (1 = no retry). */
  attempts: number;
  /** Wait before the first retry; it doubles for each retry after. */
  firstDelayMs: number;
  /** A failure asking for a longer wait (retryAfterMs) is not retried: the caller's own, slower retry takes over. */
  maxDelayMs: number;
  /** A random extra of up to this share of the doubled delay (1 = up to as much again). */
  jitterRatio?: number;
  /** A random extra of up to this many milliseconds. */
  jitterMs?: number;
  retryable(error: unknown): boolean;
  /** A wait the failure asks for (Retry-After, or 0: at once), instead of the backoff; undefined: back off. */
  retryAfterMs?(error: unknown): number | undefined;
}

export interface RetryContext {
  /** 0 for the first try, 1 for the first retry, and so on. */
  readonly attempt: number;
}

const FIRST_TRY: RetryContext = Object.freeze({ attempt: 0 });

/** Built once per caller (module level), not per call. */
export class RetryPolicy {
  // One cockatiel policy per attempts count, since a caller may ask for fewer attempts per call.
  private readonly byAttempts = new Map<number, CockatielRetry>();
  private readonly handled = handleWhen((error) => this.options.retryable(error) && !this.asksTooLong(error));
  private readonly backoff = new DelegateBackoff<IRetryBackoffContext<unknown>>((context) =>
    this.delayMs(context.attempt, 'error' in context.result ? context.result.error : undefined),
  );

  constructor(private readonly options: RetryOptions) {}

  execute<T>(fn: (context: RetryContext) => Promise<T>, attempts = this.options.attempts): Promise<T> {
    // Outside cockatiel, which allocates per call. After a failure cockatiel takes over, its attempt 0
    // replaying that failure, so it alone decides what follows.
    return fn(FIRST_TRY).catch((first: unknown) =>
      this.policyFor(Math.max(1, Math.floor(attempts))).execute((context) => {
        if (context.attempt === 0) throw first;
        return fn(context);
      }),
    );
  }

  /** The wait before retry number `retry` (1 = the first retry) after `error`. */
  delayMs(retry: number, error: unknown): number {
    const asked = this.options.retryAfterMs?.(error);
    if (asked !== undefined) return Math.min(Math.max(0, asked), this.options.maxDelayMs);
    const base = this.options.firstDelayMs * 2 ** (retry - 1);
    const spread = base * (this.options.jitterRatio ?? 0) + (this.options.jitterMs ?? 0);
    return Math.min(this.options.maxDelayMs, base + Math.floor(Math.random() * spread));
  }

  private asksTooLong(error: unknown): boolean {
    const asked = this.options.retryAfterMs?.(error);
    return asked !== undefined && asked > this.options.maxDelayMs;
  }

  private policyFor(attempts: number): CockatielRetry {
    let policy = this.byAttempts.get(attempts);
    if (!policy) {
      // cockatiel counts retries, not attempts.
      policy = retry(this.handled, { maxAttempts: attempts - 1, backoff: this.backoff });
      this.byAttempts.set(attempts, policy);
    }
    return policy;
  }
}
