import { createHmac, timingSafeEqual } from 'node:crypto';
import type { JwtAlgorithm } from '@agent-bridge/config';

// A tiny HS-only implementation keeps the hot path free of a JOSE dependency and lets us pin the
// algorithm: the configured one always wins over the token's own `alg` header.

const HASH: Record<JwtAlgorithm, string> = { HS256: 'sha256', HS512: 'sha512' };

export interface JwtClaims {
  [claim: string]: unknown;
  exp?: number;
  nbf?: number;
}

export type JwtFailure = 'malformed' | 'algorithm' | 'signature' | 'expired' | 'not-yet-valid' | 'no-expiry';

export class JwtError extends Error {
  constructor(readonly reason: JwtFailure) {
    super(`JWT rejected: ${reason}`);
  }
}

function b64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

function sign(data: string, secret: string, alg: JwtAlgorithm): Buffer {
  return createHmac(HASH[alg], secret).update(data).digest();
}

export function signJwt(claims: JwtClaims, secret: string, alg: JwtAlgorithm = 'HS256'): string {
  const head = b64url(JSON.stringify({ alg, typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  return `${head}.${body}.${b64url(sign(`${head}.${body}`, secret, alg))}`;
}

export interface VerifyOptions {
  /** The algorithm the credentials are configured for; a token claiming another one is refused. */
  algorithm: JwtAlgorithm;
  /** Seconds of clock skew tolerated on `exp` and `nbf`. */
  leewaySeconds?: number;
  /** BotKit accepted tokens without `exp`; we do not unless told to. */
  requireExpiry?: boolean;
  now?: number;
}

export function verifyJwt(token: string, secret: string, options: VerifyOptions): JwtClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('malformed');
  const [head, body, signature] = parts as [string, string, string];
  let header: { alg?: unknown };
  let claims: JwtClaims;
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new JwtError('malformed');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new JwtError('malformed');
  if (header.alg !== options.algorithm) throw new JwtError('algorithm');
  const expected = sign(`${head}.${body}`, secret, options.algorithm);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new JwtError('signature');

  const now = options.now ?? Date.now() / 1000;
  const leeway = options.leewaySeconds ?? 30;
  if (claims.exp === undefined) {
    if (options.requireExpiry ?? true) throw new JwtError('no-expiry');
  } else if (typeof claims.exp !== 'number' || now > claims.exp + leeway) {
    throw new JwtError('expired');
  }
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || now + leeway < claims.nbf)) {
    throw new JwtError('not-yet-valid');
  }
  return claims;
}
