import type { CloseReason, Conversation, ConversationState, Direction, HandoffTrigger, TranscriptMessage } from './desk-session';

/** A session as a visitor's history lists it, closed ones included. */
export interface SessionSummary {
  id: string;
  botId: string;
  visitorKey: string;
  provider: string;
  state: ConversationState;
  trigger: HandoffTrigger;
  agentName: string | null;
  openedAt: Date;
  closedAt: Date | null;
  closeReason: CloseReason | null;
  /** What the agent recorded when closing. */
  disposition: string | null;
}

/**
 * Why a session was handed over. The engine stores the trigger only; the detail is read from the
 * latest request context, so it is there while that context is still the one that handed over
 * (the keyword until the user writes again) or still says so (the tone).
 */
export interface HandoffReason {
  trigger: HandoffTrigger;
  /** The strongest tone of the latest context that meets one of the bot's tone rules. */
  tone: { name: string; level: number } | null;
  /** The bot's escalation keyword in the latest user message. */
  keyword: string | null;
}

export abstract class DeskSessions {
  abstract byId(id: string): Promise<Conversation | null>;
  abstract byRef(desk: string, ref: string): Promise<Conversation | null>;
  abstract open(desk: string): Promise<Conversation[]>;
  /** Oldest first. */
  abstract queued(desk: string): Promise<Conversation[]>;
  abstract assignedTo(desk: string, agentId: string): Promise<Conversation[]>;
  /** Open chats per agent id. */
  abstract loadByAgent(desk: string): Promise<Map<string, number>>;
  /** Mean wait of the last `sample` assigned sessions (of one team, or of the general queue with null); null with none. */
  abstract averageWaitSeconds(desk: string, sample?: number, teamId?: string | null): Promise<number | null>;
  /** Signed and expiring. */
  abstract historyUrl(conversationId: string): string;

  abstract message(cursor: string): Promise<TranscriptMessage | null>;
  abstract messages(conversationId: string, afterCursor?: string, limit?: number): Promise<TranscriptMessage[]>;
  abstract messageByExternalId(conversationId: string, direction: Direction, externalId: string): Promise<TranscriptMessage | null>;
  abstract lastCursor(conversationId: string, direction: Direction): Promise<string | null>;

  abstract summary(conversationId: string): Promise<SessionSummary | null>;
  /** The visitor's sessions with the bot on any desk, newest first. */
  abstract visitorSessions(botId: string, visitorKey: string, limit?: number): Promise<SessionSummary[]>;
  abstract handoffReason(conversation: Conversation): HandoffReason;
}
