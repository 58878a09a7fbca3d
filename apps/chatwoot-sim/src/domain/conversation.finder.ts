import type { SimStore } from '../state/sim.store';
import type { SimConversation, SimUser } from '../state/sim.types';

export interface ConversationQuery {
  status?: string;
  assigneeType?: string;
  inboxId?: number;
  teamId?: number;
  sourceId?: string;
  page: number;
}

export interface ConversationList {
  conversations: SimConversation[];
  counts: { mine_count: number; assigned_count: number; unassigned_count: number; all_count: number };
}

const PAGE_SIZE = 25;

/** ConversationFinder: status `open` unless given (`all` for every status), counts before the assignee filter. */
export function findConversations(store: SimStore, accountId: number, caller: SimUser, q: ConversationQuery): ConversationList {
  let list = [...store.conversations.values()].filter((c) => c.accountId === accountId);
  if (q.inboxId !== undefined) list = list.filter((c) => c.inboxId === q.inboxId);
  if (q.status !== 'all') list = list.filter((c) => c.status === (q.status ?? 'open'));
  if (q.teamId !== undefined) list = list.filter((c) => c.teamId === q.teamId);
  if (q.sourceId !== undefined) list = list.filter((c) => store.contactInboxes.get(c.contactInboxId)?.sourceId === q.sourceId);
  const unassigned = list.filter((c) => c.assigneeId === null).length;
  const counts = { mine_count: list.filter((c) => c.assigneeId === caller.id).length, assigned_count: list.length - unassigned, unassigned_count: unassigned, all_count: list.length };
  if (q.assigneeType === 'me') list = list.filter((c) => c.assigneeId === caller.id);
  else if (q.assigneeType === 'unassigned') list = list.filter((c) => c.assigneeId === null);
  else if (q.assigneeType === 'assigned') list = list.filter((c) => c.assigneeId !== null);
  list.sort((a, b) => b.lastActivityAt.getTime() - a.lastActivityAt.getTime() || b.id - a.id);
  return { conversations: list.slice((q.page - 1) * PAGE_SIZE, q.page * PAGE_SIZE), counts };
}
