import type { Conversation, Direction, TranscriptMessage } from './desk-session';

export abstract class DeskSessions {
  abstract byId(id: string): Promise<Conversation | null>;
  abstract byRef(desk: string, ref: string): Promise<Conversation | null>;
  abstract open(desk: string): Promise<Conversation[]>;
  /** Oldest first. */
  abstract queued(desk: string): Promise<Conversation[]>;
  abstract assignedTo(desk: string, agentId: string): Promise<Conversation[]>;
  /** Open chats per agent id. */
  abstract loadByAgent(desk: string): Promise<Map<string, number>>;
  /** Mean wait of the last `sample` assigned sessions; null with none. */
  abstract averageWaitSeconds(desk: string, sample?: number): Promise<number | null>;
  /** Signed and expiring. */
  abstract historyUrl(conversationId: string): string;

  abstract message(cursor: string): Promise<TranscriptMessage | null>;
  abstract messages(conversationId: string, afterCursor?: string, limit?: number): Promise<TranscriptMessage[]>;
  abstract messageByExternalId(conversationId: string, direction: Direction, externalId: string): Promise<TranscriptMessage | null>;
  abstract lastCursor(conversationId: string, direction: Direction): Promise<string | null>;
}
