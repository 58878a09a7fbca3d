import { Injectable, Logger } from '@nestjs/common';
import { ConversationRepository } from '../../conversations/conversation.repository';
import type { CloseReason, Conversation } from '../../conversations/conversation.types';
import { DeskEventsService } from '../../conversations/desk-events.service';
import { providerChatOf } from '../../conversations/provider-chat';
import { ProviderStateRepository } from '../shared/provider-state.repository';
import { LIVECHAT } from './livechat-tokens.service';
import { LiveChatProvider, type LiveChatChatState } from './livechat.provider';

interface LiveChatEvent {
  id?: string;
  type?: string;
  author_id?: string;
  text?: string;
  url?: string;
  name?: string;
  system_message_type?: string;
  created_at?: string;
}

/** Why the router or an agent closed a chat, from the system message that came with it. */
const CLOSE_REASON: Record<string, CloseReason> = {
  'routing.archived_inactive': 'inactivity',
  'routing.archived_offline': 'queue_timeout',
};

/**
 * Turns LiveChat webhooks into desk events: agent messages (not our own echoes), files as links,
 * agents joining, and the end of the chat with its reason. Before a chat is finished, its threads
 * are read once more so that a message overtaken by the deactivation is still relayed.
 */
@Injectable()
export class LiveChatInboundService {
  private readonly logger = new Logger(LiveChatInboundService.name);

  constructor(
    private readonly conversations: ConversationRepository,
    private readonly desk: DeskEventsService,
    private readonly provider: LiveChatProvider,
    private readonly state: ProviderStateRepository,
  ) {}

  async handle(action: string, payload: Record<string, unknown>): Promise<string> {
    const chatId = typeof payload.chat_id === 'string' ? payload.chat_id : null;
    if (chatId && action === 'incoming_event') return this.incomingEvent(chatId, (payload.event ?? {}) as LiveChatEvent);
    const conversation = chatId ? await this.conversations.findByProviderRef(LIVECHAT, chatId) : null;
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
      // An agent's message or file: lookup, echo check and store in one statement.
      return this.desk.agentMessageForChat(LIVECHAT, chatId, { id: event.id, text, sentAt: validTime(event.created_at) }, {
        stateKey: 'entityId',
        authorId: typeof event.author_id === 'string' ? event.author_id : null,
      });
    }
    if (event.type !== 'system_message' || !event.system_message_type) return `ignored ${event.type ?? '?'} event`;
    // Remembered for the close that may follow (its reason: archived for inactivity, nobody online).
    const conversation = await this.conversations.findByProviderRef(LIVECHAT, chatId);
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

  /** Relays every agent message of the chat's recent threads not relayed yet (dedup by event id). */
  async catchUp(conversation: Conversation): Promise<number> {
    const chat = providerChatOf(conversation);
    if (!chat) return 0;
    const own = await this.state.chatState<LiveChatChatState>(conversation.id);
    const events = (await this.provider.threadEvents(chat)) as LiveChatEvent[];
    let relayed = 0;
    for (const event of events.sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)))) {
      if (event.type === 'system_message' || !event.id || event.author_id === own.entityId) continue;
      const text = textOf(event);
      if (text && (await this.desk.agentMessage(LIVECHAT, chat.ref, { id: event.id, text, sentAt: validTime(event.created_at) }))) relayed++;
    }
    if (relayed) this.logger.log(`conversation ${conversation.id}: caught up ${relayed} LiveChat message(s)`);
    return relayed;
  }
}

function validTime(value: unknown): string | null {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : null;
}

function textOf(event: LiveChatEvent): string | null {
  if (event.type === 'message' && typeof event.text === 'string') return event.text;
  if (event.type === 'file' && typeof event.url === 'string') return `${event.name ?? 'File'}: ${event.url}`;
  return null;
}
