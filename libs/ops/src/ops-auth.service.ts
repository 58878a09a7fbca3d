import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { AgentRepository, verifyPassword } from '@agent-bridge/console';
import { sameSecret } from '@agent-bridge/http';
import { OpsSessionVerifier, sessionCookie } from './ops-session.verifier';

const CACHE_MS = 60_000;
const REFUSED = 'Sign in as a console admin or supervisor';

export interface OpsRefusal {
  status: 303 | 401;
  headers: Record<string, string>;
  msg: string;
}

export interface OpsCredentials {
  authorization?: string;
  cookie?: string;
}

/**
 * Browsers sign in on the console's page, which leaves a session cookie for these pages; scripts send
 * HTTP Basic. METRICS_TOKEN reads /metrics and nothing else: a scraper's secret must not open the
 * dashboards. A Basic sign-in is remembered for a minute: scrypt is slow on purpose and a dashboard polls.
 */
@Injectable()
export class OpsAuthService {
  private readonly recent = new Map<string, number>();

  constructor(
    private readonly agents: AgentRepository,
    private readonly sessions: OpsSessionVerifier,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `metricsToken`: whether METRICS_TOKEN is enough here (the /metrics route only). */
  async check(credentials: OpsCredentials, { metricsToken = false } = {}): Promise<boolean> {
    const { authorization } = credentials;
    if (!authorization) return this.session(sessionCookie(credentials.cookie));
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

  /** A console session of a supervisor or admin, checked against the account now (deactivated, demoted, signed out everywhere). */
  async session(token: string | null): Promise<boolean> {
    if (!token) return false;
    const agent = await this.sessions.authenticate(token);
    return agent !== null && agent.role !== 'agent';
  }

  /**
   * A browser opening a page goes to the console's sign-in and comes back (303); other browser
   * requests get a 401 without a Basic challenge, which would pop up the browser's own prompt;
   * scripts get the challenge.
   */
  refusal(request: FastifyRequest): OpsRefusal {
    // Browsers send Sec-Fetch-Site on every request; Node's fetch sends Sec-Fetch-Mode but not it.
    const browser = request.headers['sec-fetch-site'] !== undefined;
    const navigating = browser ? request.headers['sec-fetch-mode'] === 'navigate' : String(request.headers.accept ?? '').includes('text/html');
    if (navigating && (request.method === 'GET' || request.method === 'HEAD')) {
      return { status: 303, headers: { location: `/console/?next=${encodeURIComponent(request.url)}` }, msg: 'Sign in on the console first' };
    }
    return { status: 401, headers: browser ? {} : { 'www-authenticate': 'Basic realm="agent-bridge ops", charset="UTF-8"' }, msg: REFUSED };
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
