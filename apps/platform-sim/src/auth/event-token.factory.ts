import type { AuthVariant } from '../sim.types';
import type { RegisteredBot } from '../state/bot.registry';
import { signHsJwt as signJwt } from './hs-jwt.codec';

/** The platform's token lifetime for BotKit calls (KoreConfig `botkit.jwt_expiry`). */
const LIFETIME_SECONDS = 60;

const now = (): number => Math.floor(Date.now() / 1000);

/** Every variant but `valid` is one a strict bridge must refuse. */
export function eventAuthHeaders(bot: RegisteredBot, variant: AuthVariant = 'valid'): Record<string, string> {
  if (typeof variant === 'object') return 'token' in variant ? { token: variant.token } : { apikey: variant.apikey };
  const claims = { appId: bot.clientId, exp: now() + LIFETIME_SECONDS };
  switch (variant) {
    case 'valid':
      return { token: signJwt(claims, bot.clientSecret, bot.jwtAlgorithm) };
    case 'expired':
      // Well past any clock-skew leeway a bridge might allow.
      return { token: signJwt({ ...claims, exp: now() - 600 }, bot.clientSecret, bot.jwtAlgorithm) };
    case 'bad-signature':
      return { token: signJwt(claims, `${bot.clientSecret}-not-the-secret`, bot.jwtAlgorithm) };
    case 'wrong-app':
      return { token: signJwt({ ...claims, appId: `${bot.clientId}-other` }, bot.clientSecret, bot.jwtAlgorithm) };
    case 'wrong-alg':
      return { token: signJwt(claims, bot.clientSecret, bot.jwtAlgorithm === 'HS256' ? 'HS512' : 'HS256') };
    case 'none':
      return {};
  }
}
