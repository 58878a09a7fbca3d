import { randomBytes } from 'node:crypto';

export interface RtmIdentity {
  userId: string;
  botId: string;
}

interface Grant extends RtmIdentity {
  expiresAt: number;
}

/** Access tokens live a day, like the platform's sample (expiresDate); socket URLs 30 s and one use, as Kore documents. */
const ACCESS_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
const SOCKET_KEY_TTL_MS = 30 * 1000;

const opaque = (): string => randomBytes(32).toString('base64url');

export class RtmSessionStore {
  private readonly tokens = new Map<string, Grant>();
  private readonly socketKeys = new Map<string, Grant>();

  grant(identity: RtmIdentity): { accessToken: string; issuedAt: number; expiresAt: number } {
    this.prune(this.tokens);
    const accessToken = opaque();
    const issuedAt = Date.now();
    const expiresAt = issuedAt + ACCESS_TOKEN_TTL_MS;
    this.tokens.set(accessToken, { ...identity, expiresAt });
    return { accessToken, issuedAt, expiresAt };
  }

  identityOf(accessToken: string | null): RtmIdentity | undefined {
    const grant = accessToken ? this.tokens.get(accessToken) : undefined;
    return grant && grant.expiresAt > Date.now() ? { userId: grant.userId, botId: grant.botId } : undefined;
  }

  issueSocketKey(identity: RtmIdentity): string {
    this.prune(this.socketKeys);
    const key = opaque();
    this.socketKeys.set(key, { ...identity, expiresAt: Date.now() + SOCKET_KEY_TTL_MS });
    return key;
  }

  /** A key opens one socket: it is gone after the first try, valid or late. */
  consumeSocketKey(key: string | null): RtmIdentity | undefined {
    if (!key) return undefined;
    const grant = this.socketKeys.get(key);
    this.socketKeys.delete(key);
    return grant && grant.expiresAt > Date.now() ? { userId: grant.userId, botId: grant.botId } : undefined;
  }

  // Only a busy sandbox needs pruning; skipping it otherwise keeps a grant O(1).
  private prune(map: Map<string, Grant>): void {
    if (map.size < 1_000) return;
    const now = Date.now();
    for (const [key, grant] of map) if (grant.expiresAt <= now) map.delete(key);
  }
}
