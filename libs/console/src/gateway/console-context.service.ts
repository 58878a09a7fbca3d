import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { DeskSessions } from '@agent-bridge/desk-port';
import { messageView } from '../desk/console-events';
import type { Agent } from '../agents/agent.repository';
import { ConsoleActionsService, type Ack } from './console-actions.service';
import { readContextFields } from './context-fields';

type SessionSummary = NonNullable<Awaited<ReturnType<DeskSessions['summary']>>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAST_LIMIT = 20;
const TRANSCRIPT_PAGE = 1000;

export interface PastConversationView {
  id: string;
  state: string;
  trigger: string;
  provider: string;
  agentName: string | null;
  openedAt: string;
  closedAt: string | null;
  closeReason: string | null;
  disposition: string | null;
}

const pastView = (s: SessionSummary): PastConversationView => ({
  id: s.id,
  state: s.state,
  trigger: s.trigger,
  provider: s.provider,
  agentName: s.agentName,
  openedAt: s.openedAt.toISOString(),
  closedAt: s.closedAt?.toISOString() ?? null,
  closeReason: s.closeReason,
  disposition: s.disposition,
});

/**
 * What the agent sees beside a conversation. The same rule as reading the conversation itself (the
 * agent holds it, or it waits in the queue; supervisors any): its visitor's past sessions are read
 * through it, never by their own id alone.
 */
@Injectable()
export class ConsoleContextService {
  constructor(
    private readonly conversations: DeskSessions,
    private readonly actions: ConsoleActionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async context(agent: Agent, conversationId: unknown): Promise<Ack> {
    const conversation = await this.actions.allowed(agent, conversationId, true);
    if (!conversation) return { ok: false, error: 'not allowed' };
    const [summary, sessions] = await Promise.all([
      this.conversations.summary(conversation.id),
      this.conversations.visitorSessions(conversation.botId, conversation.visitorKey, PAST_LIMIT + 1),
    ]);
    const payload = conversation.latestPayload;
    const email = payload.context?.session?.UserContext?.emailId;
    return {
      ok: true,
      context: {
        conversationId: conversation.id,
        user: {
          name: conversation.userName,
          email: typeof email === 'string' && email ? email : null,
          visitorKey: conversation.visitorKey,
          channel: channelOf(payload.channel),
        },
        reason: { ...this.conversations.handoffReason(conversation), at: conversation.openedAt.toISOString() },
        fields: readContextFields(payload.context, this.config.console.contextFields ?? []),
        disposition: summary?.disposition ?? null,
        past: sessions.filter((s) => s.id !== conversation.id).slice(0, PAST_LIMIT).map(pastView),
      },
    };
  }

  /** A past session of the same visitor and bot, read-only. */
  async past(agent: Agent, conversationId: unknown, pastId: unknown): Promise<Ack> {
    const conversation = await this.actions.allowed(agent, conversationId, true);
    if (!conversation || typeof pastId !== 'string' || !UUID.test(pastId)) return { ok: false, error: 'not allowed' };
    const past = await this.conversations.summary(pastId);
    if (!past || past.botId !== conversation.botId || past.visitorKey !== conversation.visitorKey) return { ok: false, error: 'not allowed' };
    const messages = await this.conversations.messages(past.id, '0', TRANSCRIPT_PAGE + 1);
    return { ok: true, conversation: pastView(past), messages: messages.slice(0, TRANSCRIPT_PAGE).map(messageView), more: messages.length > TRANSCRIPT_PAGE };
  }
}

function channelOf(channel: { type?: unknown; channelInfos?: Record<string, unknown> } | undefined): string | null {
  const type = channel?.type ?? channel?.channelInfos?.type;
  return typeof type === 'string' && type ? type : null;
}
