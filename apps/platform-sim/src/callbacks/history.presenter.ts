import { createHash } from 'node:crypto';
import type { Conversation, StoredMessage } from '../state/conversation.store';

export interface HistoryPage {
  total: number;
  moreAvailable: boolean;
  messages: Array<Record<string, unknown>>;
}

export type PagingResult = { ok: true; skip: number; limit: number } | { ok: false; msg: string };

const DEFAULT_LIMIT = 20;
/** What Kore's LiveChat sample asks for. */
const MAX_LIMIT = 100;

export function parsePaging(query: Record<string, string>): PagingResult {
  const skip = query.skip ?? query.offset;
  const parsedSkip = skip === undefined ? 0 : toCount(skip);
  const parsedLimit = query.limit === undefined ? DEFAULT_LIMIT : toCount(query.limit);
  if (parsedSkip === null) return { ok: false, msg: 'skip must be a non-negative integer' };
  if (parsedLimit === null) return { ok: false, msg: 'limit must be a non-negative integer' };
  return { ok: true, skip: parsedSkip, limit: Math.min(parsedLimit, MAX_LIMIT) };
}

function toCount(text: string): number | null {
  return /^\d{1,9}$/.test(text) ? Number(text) : null;
}

/** A stable component id per message, shaped like the platform's `cp-…`. */
function componentId(messageId: string): string {
  const hex = createHash('sha1').update(messageId).digest('hex');
  return `cp-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function present(message: StoredMessage, conversation: Conversation): Record<string, unknown> {
  const createdOn = new Date(message.at).toISOString();
  return {
    _id: message.id,
    channels: [{ type: 'rtm' }],
    type: message.type,
    status: message.type === 'incoming' ? 'received' : 'sent',
    createdBy: conversation.userId,
    lmodifiedBy: conversation.userId,
    lmodifiedOn: createdOn,
    botId: conversation.botId,
    orgId: 'o-sandbox',
    accountId: 'sandbox',
    isBB: 0,
    ms: 1,
    chnl: 'rtm',
    components: [{ _id: componentId(message.id), cT: 'text', data: { text: message.text }, thumbnails: [] }],
    createdOn,
    timestampValue: message.at,
    __v: 0,
    lang: 'en',
    sessionId: message.sessionId,
    resourceid: 'messagestore',
    tags: { messageTags: [], userTags: [], sessionTags: [] },
  };
}

/** Newest first, as the platform's "Get Conversation History" answers. */
export function historyPage(
  conversation: Conversation | undefined,
  paging: { skip: number; limit: number },
  channelType?: string,
): HistoryPage {
  // Every sandbox message travels on the rtm channel, so any other channel filter finds nothing.
  const all = conversation && (channelType === undefined || channelType === 'rtm') ? conversation.history : [];
  const total = all.length;
  const newestFirst: Array<Record<string, unknown>> = [];
  for (let i = total - 1 - paging.skip; i >= 0 && newestFirst.length < paging.limit; i--) {
    newestFirst.push(present(all[i]!, conversation!));
  }
  return { total, moreAvailable: paging.skip + newestFirst.length < total, messages: newestFirst };
}
