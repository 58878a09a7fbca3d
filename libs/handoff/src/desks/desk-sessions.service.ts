import { Injectable } from '@nestjs/common';
import { ConversationRepository } from '../conversations/conversation.repository';
import { DeskSessions } from '../desk-port/desk-sessions';
import type { Conversation, Direction, TranscriptMessage } from '../desk-port/desk-session';
import { HistoryLinkService } from '../history/history-link.service';
import { TranscriptRepository } from '../relay/transcript.repository';

@Injectable()
export class DeskSessionsService implements DeskSessions {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly transcript: TranscriptRepository,
    private readonly links: HistoryLinkService,
  ) {}

  byId(id: string): Promise<Conversation | null> {
    return this.conversations.findById(id);
  }

  byRef(desk: string, ref: string): Promise<Conversation | null> {
    return this.conversations.findByProviderRef(desk, ref);
  }

  open(desk: string): Promise<Conversation[]> {
    return this.conversations.listActive(desk);
  }

  queued(desk: string): Promise<Conversation[]> {
    return this.conversations.queued(desk);
  }

  assignedTo(desk: string, agentId: string): Promise<Conversation[]> {
    return this.conversations.assignedTo(desk, agentId);
  }

  loadByAgent(desk: string): Promise<Map<string, number>> {
    return this.conversations.loadByAgent(desk);
  }

  averageWaitSeconds(desk: string, sample?: number): Promise<number | null> {
    return this.conversations.averageWaitSeconds(desk, sample);
  }

  historyUrl(conversationId: string): string {
    return this.links.url(conversationId);
  }

  message(cursor: string): Promise<TranscriptMessage | null> {
    return this.transcript.get(cursor);
  }

  messages(conversationId: string, afterCursor?: string, limit?: number): Promise<TranscriptMessage[]> {
    return this.transcript.list(conversationId, afterCursor, limit);
  }

  messageByExternalId(conversationId: string, direction: Direction, externalId: string): Promise<TranscriptMessage | null> {
    return this.transcript.findByExternalId(conversationId, direction, externalId);
  }

  lastCursor(conversationId: string, direction: Direction): Promise<string | null> {
    return this.transcript.lastCursor(conversationId, direction);
  }
}
