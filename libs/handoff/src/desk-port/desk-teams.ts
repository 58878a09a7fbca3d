import type { Conversation, HandoffTrigger } from './desk-session';

/** A team of the engine: every desk routes by it; each desk names its own group for it in `deskGroups`. */
export interface Team {
  id: string;
  name: string;
  active: boolean;
  /** A chat waiting this long moves to the fallback team; null: it never overflows. */
  overflowSeconds: number | null;
  fallbackTeamId: string | null;
  /** Desk name -> the desk's own group id (LiveChat group_id, Chatwoot team id). */
  deskGroups: Record<string, string>;
  createdAt: Date;
}

export interface TeamInput {
  name: string;
  active?: boolean;
  overflowSeconds?: number | null;
  fallbackTeamId?: string | null;
  deskGroups?: Record<string, string>;
}

/** Every non-null condition must hold; the first rule in position order that matches names the team. */
export interface RoutingRule {
  id: number;
  position: number;
  botId: string | null;
  trigger: HandoffTrigger | null;
  /** A dotted path into the Kore context (`session.BotUserSession.language`), compared as text. */
  contextPath: string | null;
  contextValue: string | null;
  teamId: string;
}

export type RoutingRuleInput = Omit<RoutingRule, 'id' | 'position'>;

export type TeamChange = 'not_found' | 'name_taken' | 'bad_fallback';

/**
 * The engine's teams and routing rules for a desk (the console's admin and queue). Every write
 * reaches the routing caches of all instances at once.
 */
export abstract class DeskTeams {
  abstract list(): Promise<Team[]>;
  abstract byId(id: string): Promise<Team | null>;
  abstract create(input: TeamInput): Promise<Team | TeamChange>;
  abstract update(id: string, change: Partial<TeamInput>): Promise<Team | TeamChange>;
  /** In position order. */
  abstract rules(): Promise<RoutingRule[]>;
  /** Replaces the whole ordered list; 'bad_team' when one names no team. */
  abstract replaceRules(rules: RoutingRuleInput[]): Promise<RoutingRule[] | 'bad_team'>;
  /**
   * Moves a waiting or assigned chat to a team's queue (an agent's transfer to a team); the chat
   * waits again and the desk is told. Null when it ended meanwhile or the team is unknown or inactive.
   */
  abstract moveToTeam(conversation: Conversation, teamId: string, actor: string): Promise<Conversation | null>;
}
