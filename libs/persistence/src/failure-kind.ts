/**
 * One answer for the HTTP edge (400 or 503) and the lanes (dead-letter, hold or retry):
 * `refused` can never succeed as it is, `outage` will likely succeed later, `failed` is anything else.
 */
export type FailureKind = 'refused' | 'outage' | 'failed';

export interface Failure {
  kind: FailureKind;
  /** Safe to log and store (SQLSTATE, syscall code, error class): never the message. */
  code: string;
}

/** Data exceptions (22xxx), program limits (54xxx) and NOT NULL / CHECK: the value itself is bad. */
const REFUSED_SQL_CLASSES = ['22', '54'];
const REFUSED_SQL_CODES = new Set(['23502', '23514']);
/** Connection exceptions, shutdowns, too many connections, and conflicts a retry resolves. */
const OUTAGE_SQL_CLASSES = ['08', '53', '57'];
const OUTAGE_SQL_CODES = new Set(['40001', '40P01', '55P03']);
const OUTAGE_SYSCALL_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
/** ioredis, pg and TypeORM report a lost connection by class or message, with no code. */
const OUTAGE_ERROR_CLASSES = new Set(['MaxRetriesPerRequestError', 'ConnectionIsNotSetError', 'CannotExecuteNotConnectedError']);
const OUTAGE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Connection is closed|Stream isn't writeable|Reached the max retries per request limit|Client has encountered a connection error|Connection ended unexpectedly|the database system is|connect ECONNREFUSED/i;
/** Deterministic on this input (malformed, too deep to serialize). */
const REFUSED_ERROR_CLASSES = new Set(['SyntaxError', 'TypeError', 'RangeError']);

type Shape = { retryable?: unknown; code?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown; name?: unknown; message?: unknown };

export function classifyFailure(error: unknown): Failure {
  const e = (error ?? {}) as Shape;
  const rawCode = (e.driverError as Shape | undefined)?.code ?? e.code;
  const code = typeof rawCode === 'string' || typeof rawCode === 'number' ? String(rawCode) : typeof e.name === 'string' ? e.name : 'unknown';
  if (e.retryable === false) return { kind: 'refused', code };
  if (/^[0-9A-Z]{5}$/.test(code) && !code.startsWith('E')) {
    const sqlClass = code.slice(0, 2);
    if (REFUSED_SQL_CLASSES.includes(sqlClass) || REFUSED_SQL_CODES.has(code)) return { kind: 'refused', code };
    if (OUTAGE_SQL_CLASSES.includes(sqlClass) || OUTAGE_SQL_CODES.has(code)) return { kind: 'outage', code };
  }
  if (e.retryable === true) return { kind: 'outage', code };
  const outage = outageCode(error);
  if (outage) return { kind: 'outage', code: outage };
  if (typeof e.name === 'string' && REFUSED_ERROR_CLASSES.has(e.name) && rawCode === undefined) return { kind: 'refused', code };
  return { kind: 'failed', code };
}

/** The code of a lost connection, looking through wrappers (TypeORM's driverError, fetch's cause, Node's AggregateError). */
function outageCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let hops = 0; hops < 5 && current && typeof current === 'object'; hops++) {
    const e = current as Shape;
    const name = typeof e.name === 'string' ? e.name : 'Error';
    if (OUTAGE_ERROR_CLASSES.has(name)) return name;
    if (typeof e.code === 'string' && OUTAGE_SYSCALL_CODES.has(e.code)) return e.code;
    if (typeof e.message === 'string' && OUTAGE_MESSAGE.test(e.message)) return typeof e.code === 'string' ? e.code : name;
    if (Array.isArray(e.errors)) {
      for (const inner of e.errors) {
        const found = outageCode(inner);
        if (found) return found;
      }
    }
    current = e.driverError ?? e.cause;
  }
  return undefined;
}
