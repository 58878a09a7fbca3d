import type { Conversation, Direction, TranscriptMessage } from './desk-session';

/** What a desk may read of the engine's sessions and transcripts. */
export abstract class DeskSessions {
  abstract byId(id: string): Promise<Conversation | null>;
  abstract byRef(desk: string, ref: string): Promise<Conversation | null>;
  /** The desk's sessions not closed yet. */
  abstract open(desk: string): Promise<Conversation[]>;
  /** Waiting for an agent, oldest first. */
  abstract queued(desk: string): Promise<Conversation[]>;
  abstract assignedTo(desk: string, agentId: string): Promise<Conversation[]>;
  /** Open chats per agent id. */
  abstract loadByAgent(desk: string): Promise<Map<string, number>>;
  /** Mean wait of the last `sample` assigned sessions; null with none. */
  abstract averageWaitSeconds(desk: string, sample?: number): Promise<number | null>;
  /** A signed, expiring link to the user's history with the bot. */
  abstract historyUrl(conversationId: string): string;

  abstract message(cursor: string): Promise<TranscriptMessage | null>;
  abstract messages(conversationId: string, afterCursor?: string, limit?: number): Promise<TranscriptMessage[]>;
  abstract messageByExternalId(conversationId: string, direction: Direction, externalId: string): Promise<TranscriptMessage | null>;
  abstract lastCursor(conversationId: string, direction: Direction): Promise<string | null>;
}
