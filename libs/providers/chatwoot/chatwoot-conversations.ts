import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { ChatwootApiClient } from './chatwoot-api.client';
import { assigneeOf, type ChatwootAgent } from './chatwoot-lane';
import { idOf, readMessage, type ChatwootMessage } from './chatwoot-message';

/** Chatwoot's page size for messages after an id. */
const PAGE = 100;
/** A catch-up or a re-run check reads at most this many pages (10,000 messages) of one conversation. */
const MAX_PAGES = 100;

export interface ConversationView {
  ref: string;
  status: string | null;
  assignee: ChatwootAgent | null;
  contactId: string | null;
}

type Raw = Record<string, unknown>;

/** The Application API calls on one conversation of the inbox, in this desk's terms. */
@Injectable()
export class ChatwootConversations {
  constructor(
    private readonly api: ChatwootApiClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `teamId`: the Chatwoot team the conversation opens in (the routed team's desk group). */
  async create(sourceId: string, customAttributes: Record<string, string>, teamId: number | null = null): Promise<ConversationView> {
    const res = await this.api.account<Raw>('POST', '/conversations', {
      source_id: sourceId,
      inbox_id: this.config.chatwoot.inboxId,
      status: 'open',
      custom_attributes: customAttributes,
      ...(teamId === null ? {} : { team_id: teamId }),
    });
    const view = viewOf(res);
    if (!view) throw new Error('Chatwoot created a conversation without an id');
    return view;
  }

  async get(ref: string): Promise<ConversationView | null> {
    return viewOf(await this.api.account<Raw>('GET', `/conversations/${ref}`));
  }

  /** A message of the user (`incoming`, from the contact) with our id in `source_id`; returns Chatwoot's id. */
  async postIncoming(ref: string, content: string, sourceId: string): Promise<string | null> {
    const res = await this.api.account<Raw>('POST', `/conversations/${ref}/messages`, { content, message_type: 'incoming', source_id: sourceId });
    return idOf(res.id);
  }

  /** A private note: agents see it, the user never does (and our webhook handling drops it). */
  async postNote(ref: string, content: string): Promise<void> {
    await this.api.account('POST', `/conversations/${ref}/messages`, { content, message_type: 'outgoing', private: true });
  }

  /**
   * Into another team (`null`: none): Conversations::AssignmentsController with `team_id` only (an
   * `assignee_id` would win over it). Chatwoot drops an assignee who is not in the team, and its
   * auto-assignment may pick a member: that comes back as a webhook like any assignment.
   */
  async assignTeam(ref: string, teamId: number | null): Promise<void> {
    await this.api.account('POST', `/conversations/${ref}/assignments`, { team_id: teamId });
  }

  async resolve(ref: string): Promise<void> {
    await this.api.account('POST', `/conversations/${ref}/toggle_status`, { status: 'resolved' });
  }

  /**
   * Every message after `afterId`, oldest first (Chatwoot pages them 100 at a time); without
   * `afterId`, the latest 20. Stops early once `enough` says so.
   */
  async messagesAfter(ref: string, afterId: string | null, enough: (page: ChatwootMessage[]) => boolean = () => false): Promise<ChatwootMessage[]> {
    const all: ChatwootMessage[] = [];
    let after = afterId;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.api.account<{ payload?: Raw[] }>('GET', `/conversations/${ref}/messages${after ? `?after=${after}` : ''}`);
      const messages = (res.payload ?? []).flatMap((raw) => readMessage(raw) ?? []).sort((a, b) => Number(a.id) - Number(b.id));
      all.push(...messages);
      if (!after || messages.length < PAGE || enough(messages)) break;
      after = messages[messages.length - 1]!.id;
    }
    return all;
  }
}

function viewOf(res: Raw): ConversationView | null {
  const ref = idOf(res.id);
  if (!ref) return null;
  const sender = (res.meta as Raw | undefined)?.sender as Raw | undefined;
  return {
    ref,
    status: typeof res.status === 'string' ? res.status : null,
    assignee: assigneeOf(res),
    contactId: idOf(sender?.id) ?? idOf(res.contact_id),
  };
}
