import { LANE_RETRY } from '@agent-bridge/queue';

/**
 * Why a lane item failed, which decides how long it may hold its lane:
 * - `refused`: it can never succeed as it is (Postgres refuses a value, an error flagged
 *   `retryable: false`, a payload the code cannot handle): dead-lettered at once;
 * - `outage`: a dependency is down; every lane needing it waits alike, so the item keeps its place
 *   (retried every few seconds) until the dependency is back, for at most LANE_RETRY.outageHoldMs;
 * - `failed`: anything else: a few quick attempts, then dead-lettered.
 */
export type LaneFailureKind = 'refused' | 'outage' | 'failed';

export interface LaneFailure {
  kind: LaneFailureKind;
  /** A code safe to log and store (a SQLSTATE, a syscall or client error code, an error class): never the message. */
  code: string;
}

/**
 * SQLSTATE classes and codes that no retry changes: data exceptions (22xxx: NUL in text, an
 * invalid byte sequence, a malformed uuid or JSON value, a value too long), program limits (54xxx),
 * a not-null or check violation of the value itself.
 */
const REFUSED_SQL_CLASSES = ['22', '54'];
const REFUSED_SQL_CODES = new Set(['23502', '23514']);
/** Connection exceptions, operator shutdowns, too many connections, and the conflicts a retry resolves. */
const OUTAGE_SQL_CLASSES = ['08', '53', '57'];
const OUTAGE_SQL_CODES = new Set(['40001', '40P01', '55P03']);
const OUTAGE_SYSCALL_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
/** pg and ioredis report a lost connection with a message and no code. */
const OUTAGE_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Connection is closed|connect ECONNREFUSED|Reached the max retries per request limit/i;
/** Deterministic failures of the code on this item (a malformed item, a value too deep to serialize). */
const REFUSED_ERROR_CLASSES = new Set(['SyntaxError', 'TypeError', 'RangeError']);

export function classifyLaneFailure(error: unknown): LaneFailure {
  const e = (error ?? {}) as { retryable?: unknown; code?: unknown; driverError?: { code?: unknown }; cause?: { code?: unknown }; name?: unknown; message?: unknown };
  const rawCode = e.driverError?.code ?? e.code;
  const code = typeof rawCode === 'string' || typeof rawCode === 'number' ? String(rawCode) : typeof e.name === 'string' ? e.name : 'unknown';
  if (e.retryable === false) return { kind: 'refused', code };
  if (/^[0-9A-Z]{5}$/.test(code) && !code.startsWith('E')) {
    const sqlClass = code.slice(0, 2);
    if (REFUSED_SQL_CLASSES.includes(sqlClass) || REFUSED_SQL_CODES.has(code)) return { kind: 'refused', code };
    if (OUTAGE_SQL_CLASSES.includes(sqlClass) || OUTAGE_SQL_CODES.has(code)) return { kind: 'outage', code };
  }
  if (OUTAGE_SYSCALL_CODES.has(code) || e.retryable === true) return { kind: 'outage', code };
  // fetch's TypeError('fetch failed') carries the socket's error as its cause.
  const cause = typeof e.cause?.code === 'string' ? e.cause.code : undefined;
  if (cause && OUTAGE_SYSCALL_CODES.has(cause)) return { kind: 'outage', code: cause };
  if (typeof e.message === 'string' && OUTAGE_MESSAGE.test(e.message)) return { kind: 'outage', code };
  if (typeof e.name === 'string' && REFUSED_ERROR_CLASSES.has(e.name) && rawCode === undefined) return { kind: 'refused', code };
  return { kind: 'failed', code };
}

/**
 * The wait before the next attempt of an item, or null when it is to be dead-lettered now.
 * `attempts`: attempts made so far; `heldMs`: how long the item has been failing.
 */
export function nextRetryDelay(failure: LaneFailure, attempts: number, heldMs: number): number | null {
  switch (failure.kind) {
    case 'refused':
      return null;
    case 'outage':
      if (heldMs >= LANE_RETRY.outageHoldMs) return null;
      return Math.min(LANE_RETRY.firstDelayMs * 2 ** (attempts - 1), LANE_RETRY.outageMaxDelayMs);
    case 'failed':
      if (attempts >= LANE_RETRY.attempts) return null;
      return Math.min(LANE_RETRY.firstDelayMs * 2 ** (attempts - 1), LANE_RETRY.maxDelayMs);
  }
}
