import { opaqueToken } from '../common/ids.util';
import type { RefreshGrant, TokenService } from '../auth/token.service';
import type { ResolvedOptions } from '../sim.options';
import { AccountsError, invalidRequest } from './accounts-error';

type Settings = Pick<ResolvedOptions, 'clientId' | 'clientSecret' | 'redirectUri' | 'organizationId'>;

export class AgentTokenGrant {
  constructor(
    private readonly settings: Settings,
    private readonly tokens: TokenService,
  ) {}

  grant(params: Record<string, unknown>): Record<string, unknown> {
    const grantType = str(params, 'grant_type');
    if (grantType !== 'refresh_token' && grantType !== 'authorization_code') {
      throw new AccountsError(400, 'unsupported_grant_type', `grant_type ${grantType} is not supported`);
    }
    const clientId = str(params, 'client_id');
    const clientSecret = str(params, 'client_secret');
    if (clientId !== this.settings.clientId || clientSecret !== this.settings.clientSecret) {
      throw new AccountsError(401, 'invalid_client', 'client authentication failed');
    }
    let grant: RefreshGrant;
    let refreshToken: string;
    if (grantType === 'refresh_token') {
      refreshToken = str(params, 'refresh_token');
      const found = this.tokens.refreshGrant(refreshToken);
      if (!found || found.clientId !== clientId) throw new AccountsError(400, 'invalid_grant', 'refresh token is invalid');
      grant = found;
    } else {
      const code = str(params, 'code');
      const redirectUri = str(params, 'redirect_uri');
      if (this.settings.redirectUri !== undefined && redirectUri !== this.settings.redirectUri) {
        throw new AccountsError(400, 'invalid_grant', 'redirect_uri does not match');
      }
      const found = this.tokens.redeemCode(code);
      if (!found || found.clientId !== clientId) throw new AccountsError(400, 'invalid_grant', 'authorization code is invalid');
      grant = found;
      // [unverified] A code exchange yields a new refresh token; a refresh returns the one presented.
      refreshToken = opaqueToken(24);
      this.tokens.addRefreshToken(refreshToken, grant);
    }
    const token = this.tokens.issueAgentToken(grant);
    return {
      access_token: token.token,
      account_id: grant.accountId,
      expires_in: this.tokens.ttlSeconds,
      organization_id: this.settings.organizationId,
      refresh_token: refreshToken,
      scope: grant.scopes.join(','),
      token_type: 'Bearer',
    };
  }
}

function str(params: Record<string, unknown>, key: string): string {
  const value = params[key];
  if (typeof value !== 'string' || value.length === 0) throw invalidRequest(`${key} is required`);
  return value;
}
