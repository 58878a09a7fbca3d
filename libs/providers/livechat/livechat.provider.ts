import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { metrics } from '@agent-bridge/observability';
import { LiveChatApiClient, LiveChatApiError, toProviderError } from './livechat-api.client';
import { LIVECHAT, LiveChatTokensService } from './livechat-tokens.service';
import { Desk, DeskStateStore, type HandoffProvider, type OpenChatRequest, type OpenedChat, type ProviderChat, type UserActivity, type UserMessageForDesk } from '@agent-bridge/desk-port';

/** LiveChat's limit for a message text; longer user messages go in parts. */
const MAX_TEXT = 16_000;

export interface LiveChatChatState {
  threadId?: string;
  entityId?: string;
  /** To name why a chat was deactivated. */
  lastSystemType?: string;
}

interface ChatSummary {
  id: string;
  last_thread_id?: string;
  active?: boolean;
}

/** The bridge acts as the end user; agents answer in LiveChat's app and reach us through license webhooks. */
@Injectable()
@Desk()
export class LiveChatProvider implements HandoffProvider {
  readonly name = LIVECHAT;

  constructor(
    private readonly api: LiveChatApiClient,
    private readonly tokens: LiveChatTokensService,
    private readonly state: DeskStateStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async openChat(request: OpenChatRequest): Promise<OpenedChat> {
    try {
      const { entityId } = await this.tokens.customerToken(request.botId, request.visitorKey);
      const intro = { type: 'message', text: introText(request).slice(0, MAX_TEXT), recipients: 'all', custom_id: `intro-${request.conversationId}` };
      // The team's LiveChat group (desk_groups.livechat) when routing chose one, else the configured group.
      const group = groupOf(request) ?? this.config.livechat.groupId;
      const access = group === null ? undefined : { group_ids: [group] };
      let chatId: string;
      let threadId: string | undefined;
      try {
        const started = await this.asCustomer<{ chat_id: string; thread_id: string }>(request, 'start_chat', {
          chat: { thread: { events: [intro] }, ...(access ? { access } : {}) },
          continuous: false,
        });
        chatId = started.chat_id;
        threadId = started.thread_id;
      } catch (error) {
        // One customer holds one chat per licence: reuse it, or resume it when it is closed.
        if (!(error instanceof LiveChatApiError) || error.type === 'groups_offline' || error.type !== 'validation') throw error;
        const existing = await this.existingChat(request);
        if (!existing) throw error;
        chatId = existing.id;
        if (existing.active) {
          await this.asCustomer(request, 'send_event', { chat_id: chatId, event: intro });
          threadId = existing.threadId;
        } else {
          threadId = (await this.asCustomer<{ thread_id: string }>(request, 'resume_chat', { chat: { id: chatId, thread: { events: [intro] }, ...(access ? { access } : {}) }, continuous: false })).thread_id;
        }
      }
      await this.state.patchChatState(request.conversationId, LIVECHAT, { threadId, entityId } satisfies LiveChatChatState);
      return { ref: chatId };
    } catch (error) {
      throw toProviderError(error);
    }
  }

  async sendUserMessage(chat: ProviderChat, message: UserMessageForDesk): Promise<void> {
    const parts = chunk(message.text, MAX_TEXT);
    try {
      // A re-run after a crash: the chat's events say whether the first send got through.
      const sent = message.again ? await this.sentCustomIds(chat) : null;
      for (const [i, text] of parts.entries()) {
        const customId = parts.length === 1 ? message.messageId : `${message.messageId}#${i}`;
        if (sent?.has(customId)) {
          metrics.duplicatesAvoided.inc({ direction: 'to_agent' });
          continue;
        }
        await this.asCustomer(chat, 'send_event', { chat_id: chat.ref, event: { type: 'message', text, recipients: 'all', custom_id: customId } });
      }
    } catch (error) {
      throw toProviderError(error);
    }
  }

  async sendUserActivity(chat: ProviderChat, activity: UserActivity): Promise<void> {
    try {
      if (activity.type === 'read') {
        await this.asCustomer(chat, 'mark_events_as_seen', { chat_id: chat.ref, seen_up_to: new Date().toISOString() });
      } else {
        // LiveChat shows a typing customer through a sneak peek; an empty one clears it.
        await this.asCustomer(chat, 'send_sneak_peek', { chat_id: chat.ref, sneak_peek_text: activity.type === 'typing_started' ? '…' : '' });
      }
    } catch (error) {
      throw toProviderError(error);
    }
  }

  /** The customer side cannot post system messages; a notice is a clearly marked customer message. */
  async sendSystemNotice(chat: ProviderChat, text: string): Promise<void> {
    await this.sendUserMessage(chat, { messageId: `notice-${Date.now()}`, text: `[agent-bridge] ${text}` });
  }

  async closeChat(chat: ProviderChat): Promise<void> {
    try {
      await this.asCustomer(chat, 'deactivate_chat', { id: chat.ref });
    } catch (error) {
      if (error instanceof LiveChatApiError && error.type === 'chat_inactive') return;
      throw toProviderError(error);
    }
  }

  /**
   * The chat moves to the team's group (else the configured group, else General, 0): Agent Chat API
   * `transfer_chat` to a group, as the app's agent, who is not in the chat (ignore_requester_presence).
   * It waits in that group's queue even with nobody there yet (ignore_agents_availability), as it
   * waits in the engine's.
   */
  async teamChanged(chat: ProviderChat, team: OpenChatRequest['team']): Promise<void> {
    const group = groupOf({ team }) ?? this.config.livechat.groupId ?? 0;
    try {
      await this.tokens.asAgent((token) =>
        this.api.agentAction('transfer_chat', token, {
          id: chat.ref,
          target: { type: 'group', ids: [group] },
          ignore_requester_presence: true,
          ignore_agents_availability: true,
        }),
      );
    } catch (error) {
      throw toProviderError(error);
    }
  }

  private async sentCustomIds(chat: ProviderChat): Promise<Set<string>> {
    const events = await this.threadEvents(chat);
    return new Set(events.flatMap((e) => (typeof e.custom_id === 'string' ? [e.custom_id] : [])));
  }

  /** Each carries its `thread_id`: a resumed chat holds the threads of earlier sessions too. */
  async threadEvents(chat: ProviderChat): Promise<Array<Record<string, unknown>>> {
    const res = await this.asCustomer<{ threads?: Array<{ id?: string; events?: Array<Record<string, unknown>> }> }>(chat, 'list_threads', {
      chat_id: chat.ref,
      limit: 3,
    });
    return (res.threads ?? []).flatMap((t) => (t.events ?? []).map((e) => ({ ...e, thread_id: t.id })));
  }

  private asCustomer<T>(who: { botId: string; visitorKey: string }, action: string, body: object): Promise<T> {
    return this.tokens.asCustomer(who.botId, who.visitorKey, (token) => this.api.customerAction<T>(action, token, body));
  }

  private async existingChat(request: OpenChatRequest): Promise<{ id: string; active: boolean; threadId?: string } | null> {
    const res = await this.asCustomer<{ chats_summary?: ChatSummary[] }>(request, 'list_chats', { limit: 1 });
    const chat = res.chats_summary?.[0];
    if (!chat) return null;
    return { id: chat.id, active: chat.active ?? false, threadId: chat.last_thread_id };
  }
}

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

/** LiveChat group ids are integers; a team's group id that is not one is left out rather than refused by LiveChat. */
function groupOf(request: Pick<OpenChatRequest, 'team'>): number | null {
  const group = request.team?.deskGroup;
  return group && /^\d{1,9}$/.test(group) ? Number(group) : null;
}
