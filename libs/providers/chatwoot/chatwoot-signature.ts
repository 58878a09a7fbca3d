import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { sameSecret } from '@agent-bridge/http';

/** Chatwoot's webhook route, whose raw bodies are kept for the signature check. */
export const WEBHOOK_ROUTE = '/webhooks/chatwoot/:secret';
/** A signed request older (or newer) than this is refused: a captured one cannot be replayed later. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
/** Chatwoot's webhook bodies are a conversation and a message: far below the bridge's 1 MB. */
const MAX_RAW_BYTES = 1024 * 1024;

/**
 * Chatwoot 4.11.2 and newer sign each webhook: `X-Chatwoot-Signature: sha256=<hex>`, an HMAC-SHA256
 * with the webhook's secret of `<X-Chatwoot-Timestamp>.<raw body>`.
 */
export function validSignature(secret: string, timestamp: unknown, signature: unknown, raw: string | undefined, nowMs = Date.now()): boolean {
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp) || typeof signature !== 'string' || raw === undefined) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`;
  return sameSecret(signature, expected);
}

/** The raw bodies of the webhook route's requests, as received (the JSON parser keeps none). */
const rawBodies = new WeakMap<object, string>();

export function rawBodyOf(request: object): string | undefined {
  return rawBodies.get(request);
}

interface HookedRequest {
  routeOptions?: { url?: string };
}

interface FastifyLike {
  addHook(name: 'preParsing', hook: (request: HookedRequest, reply: unknown, payload: Readable) => Promise<Readable>): unknown;
}

/**
 * Keeps the raw body of the webhook route's requests: a signature is over the bytes Chatwoot sent,
 * which re-serialising the parsed JSON would not give back (Ruby escapes <, > and & in strings).
 * The body is read here, then handed on to the JSON parser unchanged.
 */
export function keepRawBodies(fastify: FastifyLike): void {
  fastify.addHook('preParsing', async (request, _reply, payload) => {
    if (request.routeOptions?.url !== WEBHOOK_ROUTE) return payload;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of payload) {
      size += (chunk as Buffer).length;
      if (size > MAX_RAW_BYTES) throw Object.assign(new Error('Request body is too large'), { statusCode: 413 });
      chunks.push(chunk as Buffer);
    }
    const raw = Buffer.concat(chunks);
    rawBodies.set(request, raw.toString('utf8'));
    return Object.assign(Readable.from([raw]), { receivedEncodedLength: raw.length });
  });
}
