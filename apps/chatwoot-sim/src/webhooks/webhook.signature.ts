import { createHmac } from 'node:crypto';

/**
 * `X-Chatwoot-Signature` as Chatwoot ≥ 4.11.2 computes it (chatwoot/chatwoot#13573):
 * `sha256=` + hex HMAC-SHA256 of `"{timestamp}.{raw body}"` with the webhook's secret.
 */
export function signatureOf(secret: string, timestamp: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

export function signedHeaders(secret: string | null, deliveryId: string, rawBody: string, now = Date.now()): Record<string, string> {
  if (secret === null) return {};
  const timestamp = Math.floor(now / 1000);
  return {
    'x-chatwoot-signature': signatureOf(secret, timestamp, rawBody),
    'x-chatwoot-timestamp': String(timestamp),
    'x-chatwoot-delivery': deliveryId,
  };
}
