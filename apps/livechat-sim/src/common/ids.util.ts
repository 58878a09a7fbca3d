import { randomBytes, randomUUID } from 'node:crypto';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Chat and thread ids look like `PJ0MRSHTDG`: 10 upper-case alphanumerics. */
export function shortId(): string {
  const bytes = randomBytes(10);
  let id = '';
  for (let i = 0; i < 10; i++) id += UPPER_ALNUM[bytes[i]! % UPPER_ALNUM.length];
  return id;
}

export function uuid(): string {
  return randomUUID();
}

export function hexId(bytes = 16): string {
  return randomBytes(bytes).toString('hex');
}

export function opaqueToken(bytes = 18): string {
  return randomBytes(bytes).toString('base64url');
}

let lastMicros = 0;

/** Microseconds, as LiveChat stamps events; strictly increasing, so one millisecond's events keep their order. */
export function isoMicros(now = Date.now()): string {
  let micros = now * 1000;
  if (micros <= lastMicros) micros = lastMicros + 1;
  lastMicros = micros;
  const ms = Math.floor(micros / 1000);
  const base = new Date(ms).toISOString(); // 2024-01-01T00:00:00.123Z
  return `${base.slice(0, 23)}${String(micros % 1000).padStart(3, '0')}Z`;
}
