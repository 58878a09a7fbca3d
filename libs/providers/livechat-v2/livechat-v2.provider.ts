import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { splitMessage } from '@agent-bridge/botkit';
import { HttpTransport } from '@agent-bridge/http';
import { QUEUES, type LiveChatV2PollJob } from '@agent-bridge/queue';
import { chatIsGone, LiveChatV2ApiClient, toProviderError, type StartParams } from './livechat-v2-api.client';
import { LiveChatV2ChatStateStore } from './livechat-v2-chat-state.store';
import { NOTICE_PREFIX, recentMessagesText, visitorName, welcomeMessage } from './livechat-v2-intro';
import { startPolling, stopPolling } from './livechat-v2-poll.schedule';
import { visitorIdOf } from './livechat-v2-visitor-id';
import { LIVECHAT_V2 } from './livechat-v2.types';
import { Desk, DeskSessions, DeskStateStore, type HandoffProvider, type OpenChatRequest, type OpenedChat, type ProviderChat, ProviderError, ProviderErrorCode, type UserActivity } from '@agent-bridge/desk-port';

/** v2 documents no message limit; longer texts go in parts of this size so none is refused or cut. */
const MAX_MESSAGE_CHARS = 2000;

/**
 * LiveChat's deprecated REST API v2, for licences still on it: polling also keeps LiveChat from closing the chat.
 * A routed hand-off starts in its team's group (`group` of chat/start); no `teamChanged`: the v2 visitor
 * calls (start, send_message, get_pending_messages, close) cannot move a started chat to another group.
 */
@Injectable()
@Desk()
export class LiveChatV2Provider implements HandoffProvider {
  readonly name = LIVECHAT_V2;
  /** Shared with the poll handler. */
  readonly api: LiveChatV2ApiClient;
  readonly chats: LiveChatV2ChatStateStore;
  private readonly logger = new Logger(LiveChatV2Provider.name);

  constructor(
    http: HttpTransport,
    states: DeskStateStore,
    private readonly conversations: DeskSessions,
    @InjectQueue(QUEUES.livechatV2Poll) private readonly polls: Queue<LiveChatV2PollJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.api = new LiveChatV2ApiClient(http, config.livechat);
    this.chats = new LiveChatV2ChatStateStore(states);
  }

  async openChat(request: OpenChatRequest): Promise<OpenedChat> {
    const visitorId = visitorIdOf(request.botId, request.visitorKey);
    try {
      const sessionId = await this.startChat(visitorId, request);
      await this.chats.opened(request.conversationId, visitorId, sessionId);
      await this.relayRecentMessages(request, visitorId, sessionId);
      await startPolling(this.polls, request.conversationId, this.config.livechat.v2PollSeconds);
      return { ref: sessionId };
    } catch (error) {
      throw toProviderError(error);
    }
  }

  async sendUserMessage(chat: ProviderChat, message: { messageId: string; text: string }): Promise<void> {
    const visitorId = await this.visitorOf(chat);
    const parts = message.text.length <= MAX_MESSAGE_CHARS ? [message.text] : splitMessage(message.text, MAX_MESSAGE_CHARS, MAX_MESSAGE_CHARS);
    try {
      for (const part of parts) await this.api.sendMessage(visitorId, chat.ref, part);
    } catch (error) {
      throw toProviderError(error);
    }
  }

  /** v2 has no visitor typing or read receipts. */
  async sendUserActivity(_chat: ProviderChat, _activity: UserActivity): Promise<void> {}

  /** A visitor cannot post system messages: a notice is a clearly marked visitor message. */
  async sendSystemNotice(chat: ProviderChat, text: string): Promise<void> {
    await this.sendUserMessage(chat, { messageId: `notice-${Date.now()}`, text: `${NOTICE_PREFIX}${text}` });
  }

  async closeChat(chat: ProviderChat, _reason: string): Promise<void> {
    try {
      await this.api.close(await this.visitorOf(chat), chat.ref);
    } catch (error) {
      if (!chatIsGone(error)) throw toProviderError(error);
    }
    await stopPolling(this.polls, chat.conversationId);
  }

  private async startChat(visitorId: string, request: OpenChatRequest): Promise<string> {
    const group = request.team?.deskGroup;
    const params: StartParams = {
      welcomeMessage: welcomeMessage(request),
      name: visitorName(request),
      email: request.user.email,
      // LiveChat group ids are integers; anything else in desk_groups["livechat-v2"] is left out.
      group: group && /^\d{1,9}$/.test(group) ? Number(group) : null,
    };
    const sessionId = await this.api.start(visitorId, params);
    const owner = await this.conversations.byRef(LIVECHAT_V2, sessionId);
    if (!owner || owner.id === request.conversationId) return sessionId;
    // chat/start answered with an earlier hand-off's chat, still open (its close queued or failed);
    // each session needs its own chat and ref.
    this.logger.warn(`conversation ${request.conversationId}: the chat of conversation ${owner.id} was still open on LiveChat; closing it`);
    await this.api.close(visitorId, sessionId).catch((error: unknown) => {
      if (!chatIsGone(error)) throw error;
    });
    const fresh = await this.api.start(visitorId, params);
    if (fresh === sessionId) throw new ProviderError(ProviderErrorCode.Unavailable, 'livechat-v2 start: LiveChat kept the earlier chat open');
    return fresh;
  }

  /** Best effort: the agent already has the history link, so a lost excerpt must not fail the hand-off. */
  private async relayRecentMessages(request: OpenChatRequest, visitorId: string, sessionId: string): Promise<void> {
    const text = recentMessagesText(request);
    if (!text) return;
    try {
      for (const part of splitMessage(text, MAX_MESSAGE_CHARS, MAX_MESSAGE_CHARS)) await this.api.sendMessage(visitorId, sessionId, part);
    } catch (error) {
      this.logger.warn(`conversation ${request.conversationId}: recent messages not relayed (${toProviderError(error).message})`);
    }
  }

  private async visitorOf(chat: ProviderChat): Promise<string> {
    const state = await this.chats.get(chat.conversationId);
    return state?.visitor_id ?? visitorIdOf(chat.botId, chat.visitorKey);
  }
}
