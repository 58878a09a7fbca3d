import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HS256/HS512 JWTs, written here from the contract rather than borrowed from libs/botkit: a simulator
 * that checked the bridge's tokens with the bridge's own code would agree with any bug in it.
 */
export type HsAlgorithm = 'HS256' | 'HS512';

const HASH: Record<HsAlgorithm, string> = { HS256: 'sha256', HS512: 'sha512' };

export type JwtRejection = 'malformed' | 'algorithm' | 'signature' | 'no-expiry' | 'expired';

export class JwtRejected extends Error {
  constructor(readonly reason: JwtRejection) {
    super(`JWT rejected: ${reason}`);
  }
}

const b64url = (input: Buffer | string): string => Buffer.from(input).toString('base64url');

function mac(data: string, secret: string, alg: HsAlgorithm): Buffer {
  return createHmac(HASH[alg], secret).update(data).digest();
}

export function signHsJwt(claims: Record<string, unknown>, secret: string, alg: HsAlgorithm): string {
  const head = b64url(JSON.stringify({ alg, typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  return `${head}.${body}.${b64url(mac(`${head}.${body}`, secret, alg))}`;
}

/** The `alg` a token claims, or undefined when its header does not parse. */
export function jwtAlgorithmOf(token: string): unknown {
  try {
    return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')).alg;
  } catch {
    return undefined;
  }
}

/**
 * Verifies in the configured algorithm only (a token naming another is refused, as the platform
 * refuses HS512 for an HS256 app), in constant time, and demands a numeric `exp` not yet past.
 */
export function verifyHsJwt(token: string, secret: string, alg: HsAlgorithm, leewaySeconds = 0): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtRejected('malformed');
  const [head, body, signature] = parts as [string, string, string];
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new JwtRejected('malformed');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new JwtRejected('malformed');
  if (jwtAlgorithmOf(token) !== alg) throw new JwtRejected('algorithm');
  const expected = mac(`${head}.${body}`, secret, alg);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new JwtRejected('signature');
  const exp = (claims as Record<string, unknown>).exp;
  if (exp === undefined) throw new JwtRejected('no-expiry');
  if (typeof exp !== 'number' || !Number.isFinite(exp) || Date.now() / 1000 > exp + leewaySeconds) throw new JwtRejected('expired');
  return claims as Record<string, unknown>;
}
