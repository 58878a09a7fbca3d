import { opaqueToken } from '../common/ids.util';

export interface AgentAccessToken {
  token: string;
  accountId: string;
  clientId: string;
  scopes: string[];
  expiresAt: number;
}

export interface CustomerAccessToken {
  token: string;
  entityId: string;
  clientId: string;
  organizationId: string;
  expiresAt: number;
}

export interface RefreshGrant {
  accountId: string;
  clientId: string;
  scopes: string[];
}

export type TokenCheck<T> = { ok: true; token: T } | { ok: false; reason: 'unknown' | 'expired' };

export type TokenKind = 'agent' | 'customer' | 'all';

export interface TokenSettings {
  ttlSeconds: number;
  maxTokensPerClient: number;
  region: () => string;
}

export class TokenService {
  private readonly agentTokens = new Map<string, AgentAccessToken>();
  private readonly issuedPerClient = new Map<string, string[]>();
  /** Agent tokens minted since start (refresh-token and authorization-code grants). */
  agentTokensIssued = 0;
  private readonly customerTokens = new Map<string, CustomerAccessToken>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly codes = new Map<string, RefreshGrant>();

  constructor(private readonly settings: TokenSettings) {}

  get ttlSeconds(): number {
    return this.settings.ttlSeconds;
  }

  set ttlSeconds(value: number) {
    this.settings.ttlSeconds = value;
  }

  addRefreshToken(token: string, grant: RefreshGrant): void {
    this.refreshTokens.set(token, grant);
  }

  refreshGrant(token: string): RefreshGrant | undefined {
    return this.refreshTokens.get(token);
  }

  addAuthorizationCode(code: string, grant: RefreshGrant): void {
    this.codes.set(code, grant);
  }

  /** Codes are single use, as in any OAuth authorization-code flow. */
  redeemCode(code: string): RefreshGrant | undefined {
    const grant = this.codes.get(code);
    this.codes.delete(code);
    return grant;
  }

  /**
   * Past the limit LiveChat silently revokes the oldest token of that client and account: how a bridge
   * that mints a token per request loses its working one.
   */
  issueAgentToken(grant: RefreshGrant): AgentAccessToken {
    const token: AgentAccessToken = {
      token: `${this.settings.region()}:${opaqueToken()}`,
      accountId: grant.accountId,
      clientId: grant.clientId,
      scopes: grant.scopes,
      expiresAt: Date.now() + this.settings.ttlSeconds * 1000,
    };
    this.agentTokens.set(token.token, token);
    this.agentTokensIssued++;
    const key = `${grant.clientId}|${grant.accountId}`;
    const issued = this.issuedPerClient.get(key) ?? [];
    issued.push(token.token);
    while (issued.length > this.settings.maxTokensPerClient) this.agentTokens.delete(issued.shift()!);
    this.issuedPerClient.set(key, issued);
    return token;
  }

  checkAgent(token: string): TokenCheck<AgentAccessToken> {
    return check(this.agentTokens.get(token));
  }

  revokeAgent(token: string): boolean {
    return this.agentTokens.delete(token);
  }

  issueCustomerToken(entityId: string, clientId: string, organizationId: string, ttlSeconds?: number): CustomerAccessToken {
    const ttl = Math.min(ttlSeconds ?? this.settings.ttlSeconds, this.settings.ttlSeconds);
    const token: CustomerAccessToken = {
      token: `${this.settings.region()}:${opaqueToken()}`,
      entityId,
      clientId,
      organizationId,
      expiresAt: Date.now() + ttl * 1000,
    };
    this.customerTokens.set(token.token, token);
    return token;
  }

  checkCustomer(token: string): TokenCheck<CustomerAccessToken> {
    return check(this.customerTokens.get(token));
  }

  revokeCustomer(token: string): boolean {
    return this.customerTokens.delete(token);
  }

  /** Test hook: every token issued so far is expired from now on; new ones are unaffected. */
  expire(kind: TokenKind = 'all'): number {
    const past = Date.now() - 1;
    let count = 0;
    if (kind !== 'customer') for (const t of this.agentTokens.values()) (t.expiresAt = past), count++;
    if (kind !== 'agent') for (const t of this.customerTokens.values()) (t.expiresAt = past), count++;
    return count;
  }

  clear(): void {
    this.agentTokens.clear();
    this.issuedPerClient.clear();
    this.customerTokens.clear();
  }
}

export function secondsLeft(expiresAt: number): number {
  return Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
}

function check<T extends { expiresAt: number }>(token: T | undefined): TokenCheck<T> {
  if (!token) return { ok: false, reason: 'unknown' };
  if (token.expiresAt <= Date.now()) return { ok: false, reason: 'expired' };
  return { ok: true, token };
}
