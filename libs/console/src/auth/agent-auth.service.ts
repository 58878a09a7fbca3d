import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { signJwt, verifyJwt } from '@agent-bridge/botkit';
import { AgentRepository, type Agent } from '../agents/agent.repository';
import { verifyPassword } from './password';

export interface AgentPrincipal {
  agentId: string;
  role: Agent['role'];
  sessionEpoch: number;
}

/** The same service checks the console's HTTP routes and its socket.io handshake. */
@Injectable()
export class AgentAuthService {
  constructor(
    private readonly agents: AgentRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async signIn(email: string, password: string): Promise<{ token: string; expiresAt: string; agent: Agent } | null> {
    const found = await this.agents.credentials(email);
    // Same work whether or not the account exists, so timing does not reveal accounts.
    const ok = await verifyPassword(password, found?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    if (!found || !ok || found.agent.disabled) return null;
    const gen = await this.agents.sessionEpochIfUnchanged(found.agent.id, found.passwordHash);
    if (gen === null) return null;
    const exp = Math.floor(Date.now() / 1000) + this.config.console.tokenTtlSeconds;
    const token = signJwt({ sub: found.agent.id, role: found.agent.role, gen, exp }, this.config.console.tokenSecret, 'HS256');
    return { token, expiresAt: new Date(exp * 1000).toISOString(), agent: found.agent };
  }

  /**
   * The account behind a token, read now: null when the token is not valid, the agent is
   * deactivated, or their sessions were ended since (deactivation, a password reset). The role is
   * the stored one, not the token's.
   */
  async authenticate(token: unknown): Promise<Agent | null> {
    const principal = this.verify(token);
    if (!principal) return null;
    const found = await this.agents.session(principal.agentId);
    if (!found || found.agent.disabled || found.sessionEpoch !== principal.sessionEpoch) return null;
    return found.agent;
  }

  /** Null for a missing, forged or expired token. */
  verify(token: unknown): AgentPrincipal | null {
    if (typeof token !== 'string' || token.length === 0) return null;
    try {
      const claims = verifyJwt(token.replace(/^Bearer\s+/i, ''), this.config.console.tokenSecret, { algorithm: 'HS256', leewaySeconds: 5 });
      if (typeof claims.sub !== 'string' || !['agent', 'supervisor', 'admin'].includes(String(claims.role))) return null;
      // Tokens signed before session epochs existed carry none: epoch 0.
      const sessionEpoch = claims.gen === undefined ? 0 : claims.gen;
      if (typeof sessionEpoch !== 'number') return null;
      return { agentId: claims.sub, role: claims.role as Agent['role'], sessionEpoch };
    } catch {
      return null;
    }
  }
}
