import type { SimStore } from '../state/sim.store';
import type { SimInbox } from '../state/sim.types';

/**
 * Round robin over the inbox's online members (optionally only some of them), as Chatwoot's
 * auto-assignment and team assignment pick an agent. Returns null when nobody is online.
 */
export class AssigneePicker {
  private readonly last = new Map<number, number>();

  constructor(private readonly store: SimStore) {}

  pick(inbox: SimInbox, allowedIds?: number[]): number | null {
    const candidates = inbox.memberIds.filter((id) => this.store.users.get(id)?.availability === 'online' && (!allowedIds || allowedIds.includes(id)));
    if (candidates.length === 0) return null;
    const previous = this.last.get(inbox.id);
    const next = candidates.find((id) => previous === undefined || id > previous) ?? candidates[0]!;
    this.last.set(inbox.id, next);
    return next;
  }
}
