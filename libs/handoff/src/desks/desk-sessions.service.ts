import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { ConversationRepository } from '../conversations/conversation.repository';
import { DeskSessions, type HandoffReason, type SessionSummary } from '../desk-port/desk-sessions';
import { settingsFor } from '../escalation/escalation-rules.service';
import type { Conversation, Direction, TranscriptMessage } from '../desk-port/desk-session';
import { HistoryLinkService } from '../history/history-link.service';
import { TranscriptRepository } from '../relay/transcript.repository';

@Injectable()
export class DeskSessionsService implements DeskSessions {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly transcript: TranscriptRepository,
    private readonly links: HistoryLinkService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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

  averageWaitSeconds(desk: string, sample?: number, teamId?: string | null): Promise<number | null> {
    return this.conversations.averageWaitSeconds(desk, sample, teamId);
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

  summary(conversationId: string): Promise<SessionSummary | null> {
    return this.conversations.summary(conversationId);
  }

  visitorSessions(botId: string, visitorKey: string, limit = 20): Promise<SessionSummary[]> {
    return this.conversations.visitorSessions(botId, visitorKey, Math.min(Math.max(limit, 1), 100));
  }

  handoffReason(conversation: Conversation): HandoffReason {
    const settings = settingsFor(this.config, conversation.botId);
    const payload = conversation.latestPayload;
    const context = (payload.context ?? {}) as Record<string, unknown>;
    let tone: HandoffReason['tone'] = null;
    for (const entry of [context.message_tone, context.dialog_tone].flatMap((t) => (Array.isArray(t) ? (t as Array<Record<string, unknown>>) : []))) {
      const { tone_name: name, level } = entry ?? {};
      if (typeof name !== 'string' || typeof level !== 'number') continue;
      if (!settings.toneRules.some((rule) => rule.tone === name && level >= rule.level)) continue;
      if (!tone || level > tone.level) tone = { name, level };
    }
    return { trigger: conversation.trigger, tone, keyword: keywordIn(payload.message, settings.keywords) };
  }
}

/** The same matching as EscalationRulesService.asksForHuman, naming the keyword found. */
function keywordIn(message: unknown, keywords: string[]): string | null {
  if (typeof message !== 'string' || keywords.length === 0) return null;
  const lower = message.toLowerCase();
  const words = new Set(lower.split(/[^\p{L}\p{N}]+/u).filter(Boolean));
  return keywords.find((k) => (k.includes(' ') ? lower.includes(k) : words.has(k))) ?? null;
}
