import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';

export interface HistoryGrant {
  conversationId: string;
  expiresAt: number;
}

/** The token names a hand-off session, not a visitor id, so a guessed id reads nothing. */
@Injectable()
export class HistoryLinkService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  url(conversationId: string, now = Date.now()): string {
    const exp = Math.floor(now / 1000) + this.config.handoff.historyLinkTtlSeconds;
    const body = Buffer.from(JSON.stringify({ c: conversationId, e: exp })).toString('base64url');
    return `${this.config.publicUrl}/history/${body}.${this.sign(body)}`;
  }

  verify(token: string, now = Date.now()): HistoryGrant | null {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined) return null;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const { c, e } = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { c?: unknown; e?: unknown };
      if (typeof c !== 'string' || typeof e !== 'number' || e * 1000 < now) return null;
      return { conversationId: c, expiresAt: e * 1000 };
    } catch {
      return null;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', this.config.handoff.historyLinkSecret).update(body).digest('base64url');
  }
}
