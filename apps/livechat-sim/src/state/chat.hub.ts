import type { ChangeNotifier } from '../common/change.notifier';
import type { WebhookPublisher } from '../webhooks/webhook.publisher';
import type { ActionSource, SimAgent, SimChat, SimEvent, SimThread } from './chat.types';
import type { ChatViewMapper } from './chat-view.mapper';

/** How a v2 (legacy visitor) chat learns about changes; v2 licences have no v3 webhooks. */
export interface LegacyEventSink {
  onEvent(chat: SimChat, event: SimEvent): void;
  onAgentAdded(chat: SimChat, agent: SimAgent): void;
  onClosed(chat: SimChat, userId: string | undefined): void;
}

/** The one place chat changes fan out, so v3 webhooks, v2 polls and waiters see the same changes. */
export class ChatHub {
  private legacy: LegacyEventSink | undefined;

  constructor(
    private readonly publisher: WebhookPublisher,
    private readonly views: ChatViewMapper,
    private readonly notifier: ChangeNotifier,
  ) {}

  attachLegacy(sink: LegacyEventSink): void {
    this.legacy = sink;
  }

  /** A change nobody is notified of by webhook (e.g. a chat started inactive). */
  touched(): void {
    this.notifier.changed();
  }

  incomingChat(chat: SimChat, thread: SimThread, source: ActionSource): void {
    if (chat.kind === 'v3') this.publisher.publish('incoming_chat', chat, this.views.incomingChat(chat, thread), source);
    this.notifier.changed();
  }

  eventAdded(chat: SimChat, thread: SimThread, event: SimEvent, source: ActionSource): void {
    if (chat.kind === 'v3') this.publisher.publish('incoming_event', chat, { chat_id: chat.id, thread_id: thread.id, event }, source, event);
    else this.legacy?.onEvent(chat, event);
    this.notifier.changed();
  }

  agentAdded(chat: SimChat, thread: SimThread, agent: SimAgent, requesterId: string, source: ActionSource): void {
    if (chat.kind === 'v3') {
      const payload = { chat_id: chat.id, thread_id: thread.id, user: this.views.agentUser(agent, true), reason: 'manual', requester_id: requesterId };
      this.publisher.publish('user_added_to_chat', chat, payload, source);
    } else this.legacy?.onAgentAdded(chat, agent);
    this.notifier.changed();
  }

  userRemoved(chat: SimChat, thread: SimThread, userId: string, userType: 'agent' | 'customer', requesterId: string, source: ActionSource): void {
    if (chat.kind === 'v3') {
      const payload = { chat_id: chat.id, thread_id: thread.id, user_id: userId, user_type: userType, reason: 'manual', requester_id: requesterId };
      this.publisher.publish('user_removed_from_chat', chat, payload, source);
    }
    this.notifier.changed();
  }

  transferred(chat: SimChat, thread: SimThread, requesterId: string, agentIds: string[], source: ActionSource): void {
    if (chat.kind === 'v3') {
      const payload = {
        chat_id: chat.id,
        thread_id: thread.id,
        requester_id: requesterId,
        reason: 'manual',
        transferred_to: { group_ids: chat.access.group_ids, agent_ids: agentIds },
      };
      this.publisher.publish('chat_transferred', chat, payload, source);
    }
    this.notifier.changed();
  }

  /** `presentUserIds` is who was in the chat before it closed, for the presence filter. */
  deactivated(chat: SimChat, thread: SimThread, userId: string | undefined, source: ActionSource, presentUserIds: string[]): void {
    if (chat.kind === 'v3') {
      // `user_id` is left out, not null, when the router closed the chat.
      const payload: Record<string, unknown> = { chat_id: chat.id, thread_id: thread.id };
      if (userId !== undefined) payload.user_id = userId;
      this.publisher.publish('chat_deactivated', chat, payload, source, undefined, presentUserIds);
    } else this.legacy?.onClosed(chat, userId);
    this.notifier.changed();
  }
}
