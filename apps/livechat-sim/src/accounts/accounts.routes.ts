import type { IncomingMessage, ServerResponse } from 'node:http';
import { contentTypeIs, isPlainObject, parseAuthorization, parseJson, sendJson } from '../common/http-io.util';
import { secondsLeft, type TokenService } from '../auth/token.service';
import type { FaultInjector } from '../faults/fault-injector.service';
import { sleep } from '../http/api-call.types';
import type { ResolvedOptions } from '../sim.options';
import type { CustomerStore } from '../state/customer.store';
import { AccountsError, accountsStatus, invalidRequest, unauthorized } from './accounts-error';
import { CustomerTokenGrant } from './customer-token.grant';
import { AgentTokenGrant } from './agent-token.grant';

type Params = Record<string, unknown>;

export class AccountsRoutes {
  private readonly agentGrant: AgentTokenGrant;
  private readonly customerGrant: CustomerTokenGrant;

  constructor(
    options: ResolvedOptions,
    private readonly tokens: TokenService,
    customers: CustomerStore,
    private readonly faults: FaultInjector,
  ) {
    this.agentGrant = new AgentTokenGrant(options, tokens);
    this.customerGrant = new CustomerTokenGrant(options, tokens, customers);
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, bodyText: string): Promise<boolean> {
    const route = `${req.method} ${url.pathname.replace(/\/$/, '')}`;
    const action = ROUTES[route];
    if (!action) {
      if (!Object.keys(ROUTES).some((r) => r.endsWith(` ${url.pathname}`))) return false;
      sendJson(res, 405, { oauth_exception: 'invalid_request', exception_description: 'method not allowed' });
      return true;
    }
    try {
      if (this.faults.latencyMs > 0) await sleep(this.faults.latencyMs);
      const rule = this.faults.take(action);
      if (rule) {
        if (rule.delayMs) await sleep(rule.delayMs);
        throw new AccountsError(rule.status ?? accountsStatus(rule.errorType), rule.errorType, rule.message ?? rule.errorType);
      }
      sendJson(res, 200, this.run(action, req, url, bodyText));
    } catch (error) {
      (error instanceof AccountsError ? error : new AccountsError(500, 'server_error', 'internal error')).send(res);
    }
    return true;
  }

  private run(action: string, req: IncomingMessage, url: URL, bodyText: string): unknown {
    switch (action) {
      case 'token':
        return this.agentGrant.grant(oauthParams(req, url, bodyText));
      case 'revoke_token':
        this.tokens.revokeAgent(this.presentedToken(req, url));
        return {};
      case 'customer_token':
        return this.customerGrant.grant(req, jsonBody(req, bodyText));
      case 'customer_info':
        return this.customerInfo(this.presentedToken(req, url));
      case 'customer_revoke':
        this.tokens.revokeCustomer(this.presentedToken(req, url));
        return {};
      default:
        throw invalidRequest('unknown action');
    }
  }

  /** `/info` and revocation take the token from `Authorization: Bearer` or the `code` query parameter. */
  private presentedToken(req: IncomingMessage, url: URL): string {
    const credentials = parseAuthorization(req.headers.authorization);
    const token = credentials.kind === 'bearer' ? credentials.token : url.searchParams.get('code');
    if (!token) throw unauthorized('missing access token');
    return token;
  }

  private customerInfo(token: string): Record<string, unknown> {
    const check = this.tokens.checkCustomer(token);
    if (!check.ok) throw unauthorized(check.reason === 'expired' ? 'access token expired' : 'invalid access token');
    const t = check.token;
    return {
      access_token: t.token,
      client_id: t.clientId,
      entity_id: t.entityId,
      expires_in: secondsLeft(t.expiresAt),
      organization_id: t.organizationId,
      token_type: 'Bearer',
    };
  }
}

const ROUTES: Record<string, string> = {
  'POST /v2/token': 'token',
  'DELETE /v2/token': 'revoke_token',
  'POST /v2/customer/token': 'customer_token',
  'GET /v2/customer/info': 'customer_info',
  'DELETE /v2/customer/token': 'customer_revoke',
};

/** OAuth parameters may come in the query string, a form body or a JSON body. */
function oauthParams(req: IncomingMessage, url: URL, bodyText: string): Params {
  const params: Params = Object.fromEntries(url.searchParams);
  if (bodyText.trim() === '') return params;
  if (contentTypeIs(req, 'application/json')) return { ...params, ...jsonBody(req, bodyText) };
  return { ...params, ...Object.fromEntries(new URLSearchParams(bodyText)) };
}

function jsonBody(req: IncomingMessage, bodyText: string): Params {
  if (!contentTypeIs(req, 'application/json')) throw invalidRequest('request body must be application/json');
  const parsed = parseJson(bodyText);
  if (!parsed.ok || !isPlainObject(parsed.value)) throw invalidRequest('malformed JSON body');
  return parsed.value;
}
