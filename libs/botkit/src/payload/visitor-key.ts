import type { InboundBody } from './botkit-payload';

/** The key of the lane that events without a user (on_variable_update) go through. */
export const BOT_LANE = '~bot';

/**
 * One visitor key on every path: `context.session.UserContext._id`, else `channel.channelInfos.from`,
 * else `channel.from`. Kore's sample mixed these and sent messages to the wrong place.
 */
export function visitorKeyOf(body: Pick<InboundBody, 'context' | 'channel'>): string | null {
  const candidates = [body.context?.session?.UserContext?._id, body.channel?.channelInfos?.from, body.channel?.from];
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && candidate.length > 0) return candidate;
  }
  return null;
}
