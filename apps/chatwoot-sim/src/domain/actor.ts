import type { SimContact, SimUser } from '../state/sim.types';

/** Who caused a change: Chatwoot's `Current.user` / `Current.executed_by`; it decides activity texts and senders. */
export type Actor = { kind: 'user'; user: SimUser } | { kind: 'contact'; contact: SimContact } | { kind: 'system' };

export const byUser = (user: SimUser): Actor => ({ kind: 'user', user });
export const SYSTEM: Actor = { kind: 'system' };
