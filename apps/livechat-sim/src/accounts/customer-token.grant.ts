import type { IncomingMessage } from 'node:http';
import { parseAuthorization } from '../common/http-io.util';
import type { TokenService } from '../auth/token.service';
import type { ResolvedOptions } from '../sim.options';
import type { CustomerStore } from '../state/customer.store';
import { AccountsError, invalidRequest, unauthorized } from './accounts-error';

type Settings = Pick<ResolvedOptions, 'clientId' | 'organizationId'>;

const CUSTOMERS_OWN = 'customers:own';

/** A Bearer agent token with `customers:own` mints a customer token, creating the customer unless `entity_id` names one. */
export class CustomerTokenGrant {
  constructor(
    private readonly settings: Settings,
    private readonly tokens: TokenService,
    private readonly customers: CustomerStore,
  ) {}

  grant(req: IncomingMessage, body: Record<string, unknown>): Record<string, unknown> {
    const agent = this.agentToken(req);
    const grantType = body.grant_type;
    if (typeof grantType !== 'string' || typeof body.client_id !== 'string') throw invalidRequest('grant_type and client_id are required');
    // The cookie and identity_token grants are for browsers and identity transfer; a backend never uses them.
    if (grantType !== 'agent_token') throw new AccountsError(400, 'unsupported_grant_type', `grant_type ${grantType} is not supported`);
    if (body.response_type !== 'token') throw invalidRequest('response_type must be token');
    if (body.client_id !== this.settings.clientId) throw new AccountsError(400, 'invalid_client', 'unknown client_id');
    const ttl = body.expires_in;
    if (ttl !== undefined && (!Number.isInteger(ttl) || (ttl as number) <= 0)) throw invalidRequest('expires_in must be a positive integer');
    let customerId: string;
    if (body.entity_id !== undefined) {
      if (typeof body.entity_id !== 'string') throw invalidRequest('entity_id must be a string');
      // [unverified] LiveChat's docs only say the entity "should already exist"; an unknown one is a bad request.
      if (!this.customers.get(body.entity_id)) throw invalidRequest('entity_id does not identify an existing customer');
      customerId = body.entity_id;
    } else {
      customerId = this.customers.create(agent.clientId).id;
    }
    const token = this.tokens.issueCustomerToken(customerId, body.client_id, this.settings.organizationId, ttl as number | undefined);
    return {
      access_token: token.token,
      client_id: token.clientId,
      entity_id: customerId,
      expires_in: Math.round((token.expiresAt - Date.now()) / 1000),
      token_type: 'Bearer',
      organization_id: token.organizationId,
    };
  }

  /** LiveChat documents that PATs can't mint customer tokens: only a Bearer OAuth agent token with the scope. */
  private agentToken(req: IncomingMessage): { clientId: string } {
    const credentials = parseAuthorization(req.headers.authorization);
    if (credentials.kind !== 'bearer') throw unauthorized('an agent OAuth Bearer token is required');
    const check = this.tokens.checkAgent(credentials.token);
    if (!check.ok) throw unauthorized(check.reason === 'expired' ? 'access token expired' : 'invalid access token');
    if (!check.token.scopes.includes(CUSTOMERS_OWN)) throw new AccountsError(401, 'access_denied', `scope ${CUSTOMERS_OWN} is required`);
    return { clientId: check.token.clientId };
  }
}
