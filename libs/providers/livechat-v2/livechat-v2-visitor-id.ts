import { createHash } from 'node:crypto';

/**
 * The v2 `visitor_id` (caller-chosen, a URL path segment). The same user of the same bot is the same
 * LiveChat visitor every time, so the agent sees their earlier chats; the hash keeps two bots' users
 * with the same id apart, and the readable part helps whoever looks at LiveChat's visitor list.
 */
export function visitorIdOf(botId: string, visitorKey: string): string {
  const readable = visitorKey.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 48);
  const hash = createHash('sha256').update(`${botId}\n${visitorKey}`).digest('hex').slice(0, 16);
  return `kore-${readable}-${hash}`;
}
