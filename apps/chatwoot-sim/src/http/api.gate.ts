import type { IncomingMessage } from 'node:http';
import { ApiError, notFound, unauthorized } from '../common/api-error';
import { headerValue, isPlainObject, parseJson } from '../common/http-io.util';
import type { FaultInjector } from '../faults/fault-injector';
import type { SimStore } from '../state/sim.store';
import type { SimUser } from '../state/sim.types';
import type { Body } from '../validation/fields';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What stands before a controller action in Chatwoot, in its order: Rack::Attack (the injected
 * 429 and 5xx), the access token, the account and the user's membership, then the JSON body.
 */
export class ApiGate {
  constructor(
    private readonly store: SimStore,
    private readonly faults: FaultInjector,
  ) {}

  async injected(route: string): Promise<void> {
    const { delayMs, failure } = this.faults.take(route);
    if (delayMs > 0) await sleep(delayMs);
    if (!failure) return;
    if (failure.kind === 'rate-limit') {
      const headers: Record<string, string> = failure.retryAfterSeconds === null ? {} : { 'retry-after': String(failure.retryAfterSeconds) };
      throw new ApiError(429, undefined, { contentType: 'text/plain', body: 'Retry later\n', headers });
    }
    throw new ApiError(failure.status, { error: 'Internal Server Error' });
  }

  /** `api_access_token` (or `api-access-token`: proxies drop underscores); without one Devise answers. */
  authenticate(req: IncomingMessage): SimUser {
    const token = headerValue(req, 'api_access_token') ?? headerValue(req, 'api-access-token');
    if (!token) throw new ApiError(401, { errors: ['You need to sign in or sign up before continuing.'] });
    const user = this.store.userByToken(token);
    if (!user) throw unauthorized('Invalid Access Token');
    return user;
  }

  account(rawId: string, user: SimUser): number {
    const id = /^\d+$/.test(rawId) ? Number(rawId) : undefined;
    if (id === undefined || !this.store.accounts.has(id)) throw notFound();
    if (!user.accountIds.includes(id)) throw unauthorized('You are not authorized to access this account');
    return id;
  }

  body(text: string, tooLarge: boolean): Body {
    if (tooLarge) throw new ApiError(413, { error: 'Request Entity Too Large' });
    if (text.trim() === '') return {};
    const parsed = parseJson(text);
    if (!parsed.ok) throw new ApiError(400, { error: 'There was an error parsing the request body' });
    if (!isPlainObject(parsed.value)) throw new ApiError(400, { error: 'The request body must be a JSON object' });
    return parsed.value;
  }
}
