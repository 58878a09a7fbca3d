import { Injectable, Logger } from '@nestjs/common';
import { metrics } from '@agent-bridge/observability';
import { Desk, DeskStateStore, type HandoffProvider, type OpenChatRequest, type OpenedChat, type ProviderChat, type UserActivity, type UserMessageForDesk } from '@agent-bridge/desk-port';
import { ChatwootApiError, toProviderError } from './chatwoot-api.client';
import { ChatwootContacts } from './chatwoot-contacts';
import { ChatwootConversations } from './chatwoot-conversations';
import { ChatwootContactSide } from './chatwoot-contact-side';
import type { ChatwootChatState } from './chatwoot-chat-state';
import { CHATWOOT } from './chatwoot-lane';

/** Chatwoot refuses longer message contents (150,000 characters); longer user messages go in parts. */
const MAX_TEXT = 150_000;

/**
 * Chatwoot through its Application API and one API channel inbox: the user is a contact, each
 * hand-off a conversation (custom attributes: bot, reason, history link) opened by the user's
 * recent messages, the user's messages are incoming messages carrying our id in `source_id`.
 * Agents answer in Chatwoot; their side reaches us through account webhooks (ChatwootWebhookController).
 */
@Injectable()
@Desk()
export class ChatwootProvider implements HandoffProvider {
  readonly name = CHATWOOT;
  private readonly logger = new Logger(ChatwootProvider.name);

  constructor(
    private readonly conversations: ChatwootConversations,
    private readonly contacts: ChatwootContacts,
    private readonly contactSide: ChatwootContactSide,
    private readonly state: DeskStateStore,
  ) {}

  async openChat(request: OpenChatRequest): Promise<OpenedChat> {
    try {
      // A retry of the hand-off (the first attempt failed part-way) finishes the same conversation.
      const state = await this.state.chatState<ChatwootChatState>(request.conversationId);
      // An assignment Chatwoot makes at once (auto-assignment) comes as a webhook like any other.
      const ref = state.ref ?? (await this.createConversation(request));
      if (!state.introPosted) {
        const introId = await this.conversations.postIncoming(ref, introText(request).slice(0, MAX_TEXT), `agent-bridge:intro:${request.conversationId}`);
        await this.state.patchChatState(request.conversationId, CHATWOOT, { introPosted: true, ...(introId ? { cursor: introId } : {}) } satisfies ChatwootChatState);
      }
      return { ref };
    } catch (error) {
      throw toProviderError(error);
    }
  }

  /** The conversation, with the contact's stored source id or, when Chatwoot no longer knows it, a fresh one. */
  private async createConversation(request: OpenChatRequest): Promise<string> {
    const attributes = { bot_id: request.botId, handoff_reason: request.trigger, history_url: request.historyUrl };
    const user = { botId: request.botId, visitorKey: request.visitorKey, name: request.user.name };
    const teamId = chatwootTeam(request.team);
    let contact = await this.contacts.forUser(user);
    let opened;
    try {
      opened = await this.conversations.create(contact.sourceId, attributes, teamId);
    } catch (error) {
      if (!(error instanceof ChatwootApiError) || (error.status !== 404 && error.status !== 422) || contact.contactId) throw error;
      this.logger.warn(`conversation ${request.conversationId}: the stored Chatwoot contact is gone (HTTP ${error.status}); creating it again`);
      contact = await this.contacts.forUser(user, true);
      opened = await this.conversations.create(contact.sourceId, attributes, teamId);
    }
    const contactId = opened.contactId ?? contact.contactId;
    await this.state.patchChatState(request.conversationId, CHATWOOT, {
      ref: opened.ref,
      sourceId: contact.sourceId,
      ...(contactId ? { ownAuthor: `contact:${contactId}` } : {}),
    } satisfies ChatwootChatState);
    return opened.ref;
  }

  async sendUserMessage(chat: ProviderChat, message: UserMessageForDesk): Promise<void> {
    const parts = chunk(message.text, MAX_TEXT);
    try {
      // A re-run after a crash: the conversation's messages say whether the first send got through.
      const sent = message.again ? await this.sentSourceIds(chat) : null;
      for (const [i, text] of parts.entries()) {
        const sourceId = `agent-bridge:${message.messageId}${parts.length === 1 ? '' : `#${i}`}`;
        if (sent?.has(sourceId)) {
          metrics.duplicatesAvoided.inc({ direction: 'to_agent' });
          continue;
        }
        await this.conversations.postIncoming(chat.ref, text, sourceId);
      }
    } catch (error) {
      throw toProviderError(error);
    }
  }

  /** Typing and reading are the contact's, through the Client API; best effort, never holding the user's messages. */
  sendUserActivity(chat: ProviderChat, activity: UserActivity): Promise<void> {
    return this.contactSide.activity(chat, activity);
  }

  /** A private note: the agent reads it in the conversation, the user never sees it. */
  async sendSystemNotice(chat: ProviderChat, text: string): Promise<void> {
    try {
      await this.conversations.postNote(chat.ref, `agent-bridge: ${text}`);
    } catch (error) {
      throw toProviderError(error);
    }
  }

  /** The conversation follows the chat into the team's Chatwoot team (desk_groups.chatwoot), or out of any team. */
  async teamChanged(chat: ProviderChat, team: OpenChatRequest['team']): Promise<void> {
    try {
      await this.conversations.assignTeam(chat.ref, chatwootTeam(team));
    } catch (error) {
      // Deleted in Chatwoot: nothing left to move.
      if (error instanceof ChatwootApiError && error.status === 404) return;
      throw toProviderError(error);
    }
  }

  async closeChat(chat: ProviderChat): Promise<void> {
    try {
      await this.conversations.resolve(chat.ref);
    } catch (error) {
      // Deleted in Chatwoot: nothing left to close.
      if (error instanceof ChatwootApiError && error.status === 404) return;
      throw toProviderError(error);
    }
  }

  private async sentSourceIds(chat: ProviderChat): Promise<Set<string>> {
    const { cursor } = await this.state.chatState<ChatwootChatState>(chat.conversationId);
    const messages = await this.conversations.messagesAfter(chat.ref, cursor ?? null);
    return new Set(messages.flatMap((m) => (m.sourceId ? [m.sourceId] : [])));
  }
}

/** Chatwoot team ids are integers; anything else in desk_groups.chatwoot is left out. */
function chatwootTeam(team: OpenChatRequest['team']): number | null {
  const group = team?.deskGroup;
  return group && /^\d{1,9}$/.test(group) ? Number(group) : null;
}

/** The conversation's opening: who, why, the signed history link and the last messages with the bot. */
export function introText(request: OpenChatRequest): string {
  const who = request.user.name ? `${request.user.name} (${request.user.id})` : request.user.id;
  const why = { agent_transfer: 'the bot transferred the chat', tone: 'the user sounded upset', keyword: 'the user asked for a person' }[request.trigger];
  const lines = [`${who} was handed over: ${why}.`, `History with the bot: ${request.historyUrl}`];
  if (request.recentMessages.length) {
    lines.push('Last messages:');
    for (const m of request.recentMessages) lines.push(`${m.from === 'user' ? 'User' : 'Bot'}: ${m.text}`);
  }
  return lines.join('\n');
}

function chunk(text: string, size: number): string[] {
  if (text.length <= size) return [text];
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return parts;
}
