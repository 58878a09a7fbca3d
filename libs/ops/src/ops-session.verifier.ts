/**
 * Who a console session token belongs to, as stored now (null for a forged, expired or ended
 * session). Ops reads the console's sign-in only through this; OpsAuthModule binds it to the console.
 */
export abstract class OpsSessionVerifier {
  abstract authenticate(token: unknown): Promise<{ id: string; role: string } | null>;
}

/** The cookie the console's sign-in page sets for the ops pages: the console token itself, HttpOnly. */
export const OPS_SESSION_COOKIE = 'ab_ops_session';

export function sessionCookie(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === OPS_SESSION_COOKIE) return part.slice(eq + 1).trim() || null;
  }
  return null;
}
