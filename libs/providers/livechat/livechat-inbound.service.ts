import { Injectable, Logger } from '@nestjs/common';
import { bulkhead } from 'cockatiel';
import { LaneInboxService } from '@agent-bridge/events';
import { toProviderError } from './livechat-api.client';
import { eventDedupeKey } from './livechat-lane';
import { LIVECHAT } from './livechat-tokens.service';
import { LiveChatProvider, type LiveChatChatState } from './livechat.provider';
import { type CloseReason, type Conversation, DeskEvents, DeskSessions, DeskStateStore, providerChatOf } from '@agent-bridge/desk-port';

interface LiveChatEvent {
  id?: string;
  type?: string;
  author_id?: string;
  text?: string;
  url?: string;
  name?: string;
  system_message_type?: string;
  created_at?: string;
  thread_id?: string;
}

/** Per process, so a start with many open chats stays within LiveChat's rate limits. */
const CATCH_UP_CONCURRENCY = 8;

const CLOSE_REASON: Record<string, CloseReason> = {
  'routing.archived_inactive': 'inactivity',
  'routing.archived_offline': 'queue_timeout',
};

/** Before a chat is finished its threads are read once more, so a message overtaken by the deactivation is relayed. */
@Injectable()
export class LiveChatInboundService {
  private readonly logger = new Logger(LiveChatInboundService.name);
  private readonly catchUps = bulkhead(CATCH_UP_CONCURRENCY, Infinity);

  constructor(
    private readonly conversations: DeskSessions,
    private readonly desk: DeskEvents,
    private readonly provider: LiveChatProvider,
    private readonly state: DeskStateStore,
    private readonly lanes: LaneInboxService,
  ) {}

  async handle(action: string, payload: Record<string, unknown>): Promise<string> {
    const chatId = typeof payload.chat_id === 'string' ? payload.chat_id : null;
    if (chatId && action === 'incoming_event') return this.incomingEvent(chatId, (payload.event ?? {}) as LiveChatEvent);
    const conversation = chatId ? await this.conversations.byRef(LIVECHAT, chatId) : null;
    if (!chatId || !conversation) return 'not our chat';
    switch (action) {
      case 'user_added_to_chat': {
        const user = (payload.user ?? {}) as { id?: unknown; name?: unknown; type?: unknown };
        const type = user.type ?? payload.user_type;
        if (type !== 'agent' || typeof user.id !== 'string') return 'not an agent';
        await this.desk.agentJoined(LIVECHAT, chatId, { id: user.id, name: typeof user.name === 'string' ? user.name : user.id });
        return 'agent joined';
      }
      case 'chat_deactivated':
        return this.deactivated(conversation, payload);
      default:
        return `ignored ${action}`;
    }
  }

  private async incomingEvent(chatId: string, event: LiveChatEvent): Promise<string> {
    const text = textOf(event);
    if (event.id && text) {
      // Lookup, echo check and store in one statement.
      return this.desk.agentMessageInOrder(LIVECHAT, chatId, { id: event.id, text, sentAt: validTime(event.created_at) }, {
        stateKey: 'entityId',
        authorId: typeof event.author_id === 'string' ? event.author_id : null,
      });
    }
    if (event.type !== 'system_message' || !event.system_message_type) return `ignored ${event.type ?? '?'} event`;
    // For the close that may follow: it names the reason (archived for inactivity, nobody online).
    const conversation = await this.conversations.byRef(LIVECHAT, chatId);
    if (!conversation) return 'not our chat';
    await this.state.patchChatState(conversation.id, LIVECHAT, { lastSystemType: event.system_message_type });
    return `system ${event.system_message_type}`;
  }

  private async deactivated(conversation: Conversation, payload: Record<string, unknown>): Promise<string> {
    const own = await this.state.chatState<LiveChatChatState>(conversation.id);
    if (payload.user_id !== undefined && payload.user_id === own.entityId) return 'closed by us';
    if (conversation.state !== 'closed') await this.catchUp(conversation);
    const reason = CLOSE_REASON[own.lastSystemType ?? ''] ?? 'agent_closed';
    const by = typeof payload.user_id === 'string' ? `agent:${payload.user_id}` : 'provider:livechat-router';
    await this.desk.chatClosed(LIVECHAT, conversation.providerRef!, by, reason);
    return `closed (${reason})`;
  }

  /** For a closing chat, outside its lane: deduplicated by event id, delivered before the close. */
  async catchUp(conversation: Conversation): Promise<number> {
    const chat = providerChatOf(conversation);
    if (!chat) return 0;
    const own = await this.state.chatState<LiveChatChatState>(conversation.id);
    let relayed = 0;
    for (const event of agentEvents((await this.provider.threadEvents(chat)) as LiveChatEvent[], own)) {
      if (await this.desk.agentMessage(LIVECHAT, chat.ref, event)) relayed++;
    }
    if (relayed) this.logger.log(`conversation ${conversation.id}: caught up ${relayed} LiveChat message(s)`);
    return relayed;
  }

  /**
   * Messages missed while no instance was up reach the user in order; their webhooks, retried by LiveChat
   * later, are dropped at accept. A retryable failure is thrown: the lane holds newer events meanwhile.
   */
  async catchUpInLane(chatId: string): Promise<string> {
    const conversation = await this.conversations.byRef(LIVECHAT, chatId);
    const chat = conversation && conversation.state !== 'closed' ? providerChatOf(conversation) : null;
    if (!conversation || !chat) return 'no open session';
    const own = await this.state.chatState<LiveChatChatState>(conversation.id);
    let events: LiveChatEvent[];
    try {
      events = (await this.catchUps.execute(() => this.provider.threadEvents(chat))) as LiveChatEvent[];
    } catch (error) {
      const failure = toProviderError(error);
      if (failure.retryable) throw failure;
      this.logger.warn(`conversation ${conversation.id}: no catch-up, LiveChat refused the threads (${failure.code})`);
      return 'catch-up refused';
    }
    const missed = agentEvents(events, own);
    const relayed = await this.desk.missedAgentMessages(LIVECHAT, conversation.id, chatId, missed, 'entityId');
    await this.lanes.markSeen(missed.map((m) => eventDedupeKey(chatId, m.id)));
    if (relayed) this.logger.log(`conversation ${conversation.id}: caught up ${relayed} LiveChat message(s) in order`);
    return `caught up ${relayed}`;
  }
}

function agentEvents(events: LiveChatEvent[], own: LiveChatChatState): Array<{ id: string; text: string; sentAt: string | null; authorId: string | null }> {
  return events
    .filter((e) => e.type !== 'system_message' && e.id && e.author_id !== own.entityId && (!own.threadId || !e.thread_id || e.thread_id === own.threadId))
    .sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)))
    .flatMap((e) => {
      const text = textOf(e);
      return text ? [{ id: e.id!, text, sentAt: validTime(e.created_at), authorId: typeof e.author_id === 'string' ? e.author_id : null }] : [];
    });
}

function validTime(value: unknown): string | null {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : null;
}

function textOf(event: LiveChatEvent): string | null {
  if (event.type === 'message' && typeof event.text === 'string') return event.text;
  if (event.type === 'file' && typeof event.url === 'string') return `${event.name ?? 'File'}: ${event.url}`;
  return null;
}
