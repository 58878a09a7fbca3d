import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { DeskStateStore, type ProviderChat, type UserActivity } from '@agent-bridge/desk-port';
import { ChatwootApiClient } from './chatwoot-api.client';
import { CHATWOOT } from './chatwoot-lane';
import type { ChatwootChatState } from './chatwoot-chat-state';

/** Source ids kept in memory per conversation: typing comes in bursts, and each would read Postgres. */
const KNOWN_CONTACTS = 10_000;

/**
 * The user's typing and reading, as Chatwoot's Client API shows them (the contact's side of the
 * API channel inbox). The Application API's toggle_typing_status is the agent's own typing (it is
 * sent as the token's user), so it would show the bridge typing, not the user. Best effort: one
 * try, failures dropped; a typing indicator is not worth holding the user's messages back.
 */
@Injectable()
export class ChatwootContactSide {
  private readonly logger = new Logger(ChatwootContactSide.name);
  private inboxIdentifier: Promise<string | null> | null = null;
  private readonly sourceIds = new Map<string, string>();
  private warned = false;

  constructor(
    private readonly api: ChatwootApiClient,
    private readonly state: DeskStateStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async activity(chat: ProviderChat, activity: UserActivity): Promise<void> {
    try {
      const [inbox, contact] = await Promise.all([this.identifier(), this.sourceIdOf(chat)]);
      if (!inbox || !contact) return;
      const path = `/contacts/${encodeURIComponent(contact)}/conversations/${chat.ref}`;
      if (activity.type === 'read') await this.api.client(inbox, `${path}/update_last_seen`, {}, 1);
      else await this.api.client(inbox, `${path}/toggle_typing`, { typing_status: activity.type === 'typing_started' ? 'on' : 'off' }, 1);
    } catch (error) {
      if (!this.warned) {
        this.warned = true;
        this.logger.warn(`typing and read receipts not shown in Chatwoot (${(error as Error).message}); further failures are not logged`);
      }
    }
  }

  /** The API channel's inbox identifier (its Client API name), read once. */
  private identifier(): Promise<string | null> {
    this.inboxIdentifier ??= this.api
      .account<{ payload?: Array<{ id?: unknown; inbox_identifier?: unknown }> }>('GET', '/inboxes', undefined, 1)
      .then((res) => {
        const inbox = (res.payload ?? []).find((i) => String(i.id) === String(this.config.chatwoot.inboxId));
        return typeof inbox?.inbox_identifier === 'string' && inbox.inbox_identifier ? inbox.inbox_identifier : null;
      })
      .catch((error: unknown) => {
        this.inboxIdentifier = null; // asked again next time
        throw error;
      });
    return this.inboxIdentifier;
  }

  private async sourceIdOf(chat: ProviderChat): Promise<string | null> {
    const known = this.sourceIds.get(chat.ref);
    if (known) return known;
    const sourceId =
      (await this.state.chatState<ChatwootChatState>(chat.conversationId)).sourceId ??
      (await this.state.customerId(CHATWOOT, chat.botId, chat.visitorKey));
    if (!sourceId) return null;
    if (this.sourceIds.size >= KNOWN_CONTACTS) this.sourceIds.clear();
    this.sourceIds.set(chat.ref, sourceId);
    return sourceId;
  }
}
