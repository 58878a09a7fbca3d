/** A team's business hours as admins see and set them (the engine keeps them on its teams). */
export interface TeamHoursView {
  teamId: string;
  name: string;
  active: boolean;
  /** An IANA zone name, as the tz database spells it. */
  timeZone: string;
  /** Null: always open. Otherwise {"mon": [["09:00", "17:00"]], ...}; an end not after its start runs overnight. */
  weeklyHours: Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', Array<[string, string]>>> | null;
  /** YYYY-MM-DD in the team's zone, closed all day. */
  holidays: string[];
  /** Closed: back to the bot, or take a message for the team's agents. */
  closedAction: 'bot' | 'message';
  openNow: boolean;
  /** ISO instant; null while open or when it never opens. */
  nextOpen: string | null;
  /** How the user is told it, in the team's zone. */
  nextOpenText: string | null;
}

export abstract class TeamHoursSettings {
  abstract list(): Promise<TeamHoursView[]>;
  abstract get(teamId: string): Promise<TeamHoursView | null>;
  /**
   * Replaces the team's hours with `change` (timeZone, weeklyHours, holidays, closedAction), checked
   * here: `{ error }` says what is wrong with it; null when there is no such team. Holds for the next
   * hand-off on every instance (read per hand-off, never cached).
   */
  abstract update(teamId: string, change: unknown, by: string): Promise<TeamHoursView | { error: string } | null>;
}
