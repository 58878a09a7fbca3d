/** A conversation that reached a closed team whose user left a message. */
export interface OfflineConversation {
  id: string;
  botId: string;
  visitorKey: string;
  userName: string | null;
  teamId: string | null;
  teamName: string | null;
  /** When the user was told the team was closed. */
  leftAt: Date;
  closedAt: Date | null;
  /** What the user wrote, oldest first. */
  messages: Array<{ text: string; at: Date }>;
  handledAt: Date | null;
  handledBy: string | null;
}

/** An offline conversation appeared (the user left a message) or was marked handled. */
export interface OfflineChange {
  id: string;
  teamId: string | null;
  handled: boolean;
}

export abstract class OfflineInbox {
  /**
   * `teamIds` null: every team. Unhandled ones, or with `handled` the handled ones, newest first.
   * Only closed conversations with at least one message left.
   */
  abstract list(teamIds: string[] | null, options?: { handled?: boolean; limit?: number }): Promise<OfflineConversation[]>;
  /** The first mark stays (a repeated click changes nothing). Null when `id` names no such conversation of those teams. */
  abstract markHandled(id: string, by: string, teamIds: string[] | null): Promise<OfflineConversation | null>;
  /**
   * Each change, in the process that made it (where a session ended, where one was marked handled),
   * for a desk to push on to whoever sees that team's list. Returns the unsubscribe.
   */
  abstract onChange(listener: (change: OfflineChange) => void): () => void;
}
