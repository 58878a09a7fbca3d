import { splitMessage, type PlatformHistoryMessage } from '@agent-bridge/botkit';
import type { RelayedLine } from '../conversations/conversation.repository';

export type Speaker = 'user' | 'bot' | 'agent' | 'system';

export interface HistoryLine {
  speaker: Speaker;
  /** The agent's display name, for agent lines. */
  name: string | null;
  /** ISO time, or null when the platform gave none. */
  at: string | null;
  /** The component's text: a string, or a template the platform kept as an object. */
  content: unknown;
}

/** Our clock and the platform's may differ a little (as in relay/already-delivered.ts). */
const CLOCK_SKEW_MS = 5000;

/**
 * The platform's history has our relayed messages as "outgoing", like the bot's: each is matched to
 * the transcript row it came from (same text, sent after the row was stored), oldest first, so a
 * line the bot said is never taken for an agent's. A long reply went out in parts, matched in turn.
 */
export function historyLines(platformNewestFirst: PlatformHistoryMessage[], relayed: RelayedLine[]): HistoryLine[] {
  const pending = relayed.map((r) => ({ line: r, at: r.createdAt.getTime(), parts: splitMessage(r.text) }));
  return [...platformNewestFirst].reverse().map((m): HistoryLine => {
    const content = m.components?.[0]?.data?.text;
    const at = typeof m.createdOn === 'string' && !Number.isNaN(Date.parse(m.createdOn)) ? new Date(m.createdOn).toISOString() : null;
    if (m.type === 'incoming') return { speaker: 'user', name: null, at, content };
    if (typeof content === 'string' && at) {
      const sentAt = Date.parse(at);
      const match = pending.find((p) => p.parts[0] === content.trim() && p.at <= sentAt + CLOCK_SKEW_MS);
      if (match) {
        match.parts.shift();
        if (match.parts.length === 0) pending.splice(pending.indexOf(match), 1);
        return match.line.author === 'agent'
          ? { speaker: 'agent', name: match.line.authorName, at, content }
          : { speaker: 'system', name: null, at, content };
      }
    }
    return { speaker: 'bot', name: null, at, content };
  });
}

/** From when our rows can matter: the oldest platform message, less the skew. */
export function oldestAt(platformMessages: PlatformHistoryMessage[]): Date | null {
  const times = platformMessages.map((m) => (typeof m.createdOn === 'string' ? Date.parse(m.createdOn) : NaN)).filter((t) => !Number.isNaN(t));
  return times.length ? new Date(Math.min(...times) - CLOCK_SKEW_MS) : null;
}
