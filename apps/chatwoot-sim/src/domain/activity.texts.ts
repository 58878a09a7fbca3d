import type { SimConversation, SimTeam, SimUser } from '../state/sim.types';
import type { Actor } from './actor';

/** Activity message texts, close to Chatwoot's English locale (conversations.activity.*). */

export function statusActivity(c: SimConversation, actor: Actor): string | null {
  if (actor.kind === 'contact') return c.status === 'open' ? 'System reopened the conversation due to a new incoming message.' : null;
  if (actor.kind !== 'user') return null;
  const name = actor.user.name;
  switch (c.status) {
    case 'resolved':
      return `Conversation was marked resolved by ${name}`;
    case 'open':
      return `Conversation was reopened by ${name}`;
    case 'pending':
      return `Conversation was marked as pending by ${name}`;
    case 'snoozed':
      return `Conversation was snoozed by ${name}`;
  }
}

export function assigneeActivity(assignee: SimUser | undefined, actor: Actor): string | null {
  if (actor.kind !== 'user') return null;
  const name = actor.user.name;
  if (!assignee) return `Conversation unassigned by ${name}`;
  if (assignee.id === actor.user.id) return `${name} self-assigned this conversation`;
  return `Assigned to ${assignee.name} by ${name}`;
}

export function teamActivity(team: SimTeam | undefined, previous: SimTeam | undefined, assignee: SimUser | undefined, actor: Actor): string | null {
  if (actor.kind !== 'user') return null;
  const name = actor.user.name;
  if (!team) return previous ? `Unassigned from ${previous.name} by ${name}` : null;
  return assignee ? `Assigned to ${assignee.name} via ${team.name} by ${name}` : `Assigned to ${team.name} by ${name}`;
}
