import type { IncomingHttpHeaders } from 'node:http';
import type { RegisteredBot } from '../state/bot.registry';
import { JwtRejected, verifyHsJwt } from './hs-jwt.codec';

export type AuthOutcome = { ok: true } | { ok: false; msg: string };

/**
 * No leeway: the bridge mints a fresh token per call on the same clock. A fractional `exp` passes,
 * because the platform accepts the one stock BotKit sends.
 */
export function checkCallbackAuth(headers: IncomingHttpHeaders, bot: RegisteredBot): AuthOutcome {
  const token = headers.auth;
  if (typeof token !== 'string' || token.length === 0) return { ok: false, msg: 'Missing auth header' };
  let claims: Record<string, unknown>;
  try {
    claims = verifyHsJwt(token, bot.clientSecret, bot.jwtAlgorithm);
  } catch (error) {
    if (error instanceof JwtRejected) return { ok: false, msg: `Invalid auth token: ${error.reason}` };
    throw error;
  }
  if (claims.appId !== bot.clientId) return { ok: false, msg: 'Invalid auth token: appId does not match the bot' };
  return { ok: true };
}
