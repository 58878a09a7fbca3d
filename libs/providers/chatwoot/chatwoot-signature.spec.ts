import { createHmac } from 'node:crypto';
import { validSignature } from './chatwoot-signature';

const SECRET = 'webhook-signing-secret';
/** Ruby's to_json escapes <, > and &: the raw bytes are not what JSON.stringify would give. */
const RAW = '{"event":"message_created","content":"a \\u003cb\\u003e \\u0026 c"}';
const NOW = 1_767_225_600_000;

function sign(raw: string, timestamp: number, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`;
}

describe('validSignature', () => {
  const ts = NOW / 1000;

  it('accepts Chatwoot\'s HMAC of "<timestamp>.<raw body>"', () => {
    expect(validSignature(SECRET, String(ts), sign(RAW, ts), RAW, NOW)).toBe(true);
  });

  it('refuses another secret, another body, the body alone, a missing raw body or headers', () => {
    expect(validSignature(SECRET, String(ts), sign(RAW, ts, 'other'), RAW, NOW)).toBe(false);
    expect(validSignature(SECRET, String(ts), sign(JSON.stringify(JSON.parse(RAW)), ts), RAW, NOW)).toBe(false);
    expect(validSignature(SECRET, String(ts), `sha256=${createHmac('sha256', SECRET).update(RAW).digest('hex')}`, RAW, NOW)).toBe(false);
    expect(validSignature(SECRET, String(ts), sign(RAW, ts), undefined, NOW)).toBe(false);
    expect(validSignature(SECRET, undefined, sign(RAW, ts), RAW, NOW)).toBe(false);
    expect(validSignature(SECRET, String(ts), undefined, RAW, NOW)).toBe(false);
  });

  it('refuses a timestamp more than five minutes away (a replayed delivery)', () => {
    expect(validSignature(SECRET, String(ts - 299), sign(RAW, ts - 299), RAW, NOW)).toBe(true);
    expect(validSignature(SECRET, String(ts - 301), sign(RAW, ts - 301), RAW, NOW)).toBe(false);
    expect(validSignature(SECRET, String(ts + 301), sign(RAW, ts + 301), RAW, NOW)).toBe(false);
  });
});
