import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { AgentRepository, verifyPassword } from '@agent-bridge/console';
import { sameSecret } from '@agent-bridge/http';

const CACHE_MS = 60_000;

/**
 * METRICS_TOKEN reads /metrics and nothing else: a scraper's secret must not open the dashboards.
 * A sign-in is remembered for a minute: scrypt is slow on purpose and a dashboard polls.
 */
@Injectable()
export class OpsAuthService {
  private readonly recent = new Map<string, number>();

  constructor(
    private readonly agents: AgentRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `metricsToken`: whether METRICS_TOKEN is enough here (the /metrics route only). */
  async check(authorization: string | undefined, { metricsToken = false } = {}): Promise<boolean> {
    if (!authorization) return false;
    const bearer = /^Bearer\s+(.+)$/i.exec(authorization)?.[1];
    if (bearer) return metricsToken && this.config.ops.metricsToken !== null && sameSecret(bearer, this.config.ops.metricsToken);
    const key = createHash('sha256').update(authorization).digest('base64');
    const until = this.recent.get(key);
    if (until && until > Date.now()) return true;
    const ok = await this.verify(authorization);
    if (ok) {
      if (this.recent.size > 1000) this.recent.clear();
      this.recent.set(key, Date.now() + CACHE_MS);
    }
    return ok;
  }

  private async verify(authorization: string): Promise<boolean> {
    const basic = /^Basic\s+(.+)$/i.exec(authorization)?.[1];
    if (!basic) return false;
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    if (user === 'ops' && this.config.ops.password !== null) return sameSecret(password, this.config.ops.password);
    const found = await this.agents.credentials(user);
    if (!found || found.agent.disabled || found.agent.role === 'agent') return false;
    return verifyPassword(password, found.passwordHash);
  }
}
