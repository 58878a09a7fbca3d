import { createHash } from 'node:crypto';

/**
 * Stable, so the agent sees the user's earlier chats; the hash keeps two bots' users with the same id
 * apart, the readable part helps whoever reads LiveChat's visitor list.
 */
export function visitorIdOf(botId: string, visitorKey: string): string {
  const readable = visitorKey.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 48);
  const hash = createHash('sha256').update(`${botId}\n${visitorKey}`).digest('hex').slice(0, 16);
  return `kore-${readable}-${hash}`;
}
