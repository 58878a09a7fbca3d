/** Seconds a client is asked to wait after a 503 for a store that is away. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH']);
// Postgres: admin/crash shutdown, cannot connect now, too many connections, connection failures.
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006']);
const MESSAGES = [
  'Connection is closed',
  "Stream isn't writeable",
  'Reached the max retries per request limit',
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection ended unexpectedly',
  'the database system is',
];
const NAMES = new Set(['MaxRetriesPerRequestError', 'ConnectionIsNotSetError', 'CannotExecuteNotConnectedError']);

/**
 * Whether an error means Redis or Postgres is unreachable (ioredis, pg, TypeORM wrapping either):
 * a retry later will likely succeed, so the answer is 503 with Retry-After, not a 500.
 */
export function isDependencyOutage(error: unknown): boolean {
  let current: unknown = error;
  for (let hops = 0; hops < 5 && current && typeof current === 'object'; hops++) {
    const e = current as { name?: unknown; code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
    if (typeof e.name === 'string' && NAMES.has(e.name)) return true;
    if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || PG_UNAVAILABLE.has(e.code))) return true;
    if (typeof e.message === 'string' && MESSAGES.some((m) => (e.message as string).includes(m))) return true;
    // Node's AggregateError (a connection tried on IPv4 and IPv6) holds the real causes.
    if (Array.isArray(e.errors) && e.errors.some((inner) => isDependencyOutage(inner))) return true;
    current = e.driverError ?? e.cause;
  }
  return false;
}
