import type { OpenChatRequest } from '../desk-port/desk-adapter';
import type { Team } from '../desk-port/desk-teams';

/** The team as one desk sees it: its own group id for the team, if the admin set one. */
export function deskTeam(team: Team | null, desk: string): OpenChatRequest['team'] {
  if (!team) return null;
  const group = Object.hasOwn(team.deskGroups, desk) ? team.deskGroups[desk] : undefined;
  return { id: team.id, name: team.name, deskGroup: typeof group === 'string' && group !== '' ? group : null };
}
