import type { InboundBody } from './botkit-payload';

/** For events without a user (on_variable_update). */
export const BOT_LANE = '~bot';

/** One key, in this order, on every path: Kore's sample mixed them and sent messages to the wrong place. */
export function visitorKeyOf(body: Pick<InboundBody, 'context' | 'channel'>): string | null {
  const candidates = [body.context?.session?.UserContext?._id, body.channel?.channelInfos?.from, body.channel?.from];
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && candidate.length > 0) return candidate;
  }
  return null;
}
