import { createHash, randomBytes } from 'node:crypto';

/** How long a set-password link (invite or reset) works. */
export const INVITE_TTL_HOURS = 72;

/**
 * A one-time set-password link's secret. Only its SHA-256 is stored: the database alone cannot
 * set anyone's password. 256 random bits need no slow hash.
 */
export function newInvite(now = Date.now()): { token: string; tokenHash: string; expiresAt: Date } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashInviteToken(token), expiresAt: new Date(now + INVITE_TTL_HOURS * 3600_000) };
}

export function hashInviteToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** In the fragment, which browsers never send to the server nor in a Referer. */
export function inviteUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/console/set-password.html#token=${token}`;
}
