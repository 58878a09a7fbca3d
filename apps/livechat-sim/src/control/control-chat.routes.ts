import { ApiError } from '../common/api-error';
import type { LiveChatSim } from '../livechat-sim.facade';

export type Body = Record<string, unknown>;

const opt = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function required(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') throw new ApiError('validation', `\`${key}\` is required`);
  return value;
}

/** `/sim/chats[/:id[/:verb]]`. Returns undefined for an unknown route. */
export function chatRoute(sim: LiveChatSim, method: string, id: string | undefined, verb: string | undefined, body: Body): unknown {
  if (method === 'GET') {
    if (!id) return sim.chats();
    const chat = sim.chat(id);
    if (!chat) throw new ApiError('not_found', 'Chat not found');
    if (!verb) return chat;
    if (verb === 'customer-events') return sim.customerEvents(id);
    return undefined;
  }
  if (method !== 'POST' || !id) return undefined;
  switch (verb) {
    case 'join':
      return sim.agentJoin(id, opt(body.agentId)) ?? { ok: true, alreadyPresent: true };
    case 'say':
      return sim.agentSays(id, required(body, 'text'), opt(body.agentId));
    case 'file':
      return sim.agentSendsFile(id, required(body, 'url'), required(body, 'name'), {
        agentId: opt(body.agentId),
        contentType: opt(body.contentType),
        size: typeof body.size === 'number' ? body.size : undefined,
      });
    case 'event':
      if (typeof body.event !== 'object' || body.event === null) throw new ApiError('validation', '`event` is required');
      return sim.agentSendsEvent(id, body.event as Body, opt(body.agentId));
    case 'transfer':
      return sim.transfer(id, required(body, 'toAgentId'), opt(body.requesterId));
    case 'close':
      return sim.agentCloses(id, opt(body.agentId));
    case 'archive-inactive':
      return sim.archiveInactive(id);
    case 'archive-offline':
      return sim.archiveOffline(id);
    default:
      return undefined;
  }
}
