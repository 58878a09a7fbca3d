import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Desk, DeskEvents, DeskSessions, type HandoffProvider, type OpenChatRequest, type OpenedChat, type ProviderChat, type UserActivity, type UserMessageForDesk } from '@agent-bridge/desk-port';
import { JOB_OPTIONS, JOBS, QUEUES, type ConsoleRouteJob } from '@agent-bridge/queue';
import { CONSOLE_PROVIDER, messageView } from './console-events';
import { ConsoleEmitter } from './console-emitter.service';

/**
 * The built-in desk. A chat is the session itself (ref = conversation id); it waits in the console
 * queue until an agent accepts it or the router assigns it. Everything an agent should see is
 * emitted to their room through Redis; what they missed while offline they fetch by cursor.
 */
@Injectable()
@Desk()
export class ConsoleProvider implements HandoffProvider {
  readonly name = CONSOLE_PROVIDER;

  constructor(
    private readonly emitter: ConsoleEmitter,
    private readonly conversations: DeskSessions,
    private readonly desk: DeskEvents,
    @InjectQueue(QUEUES.console) private readonly queue: Queue<ConsoleRouteJob>,
  ) {}

  async openChat(request: OpenChatRequest): Promise<OpenedChat> {
    await this.route('queued');
    return { ref: request.conversationId };
  }

  /** Re-plans the queue (assignment, users' places in line); coalesced while one is waiting. */
  route(reason: string): Promise<unknown> {
    return this.queue.add(JOBS.consoleRoute, { reason }, { ...JOB_OPTIONS[JOBS.consoleRoute], deduplication: { id: 'console-route', keepLastIfActive: true } });
  }

  async sendUserMessage(chat: ProviderChat, message: UserMessageForDesk): Promise<void> {
    if (chat.agentId !== undefined && message.cursor && message.at) {
      // All the view needs is at hand: no read on the way to the agent's screen.
      this.emitter.toOwner(chat.agentId, 'message', {
        conversationId: chat.conversationId,
        cursor: message.cursor,
        kind: 'user',
        authorName: null,
        text: message.text,
        at: message.at.toISOString(),
        clientId: null,
        deliveryState: 'delivered',
      });
      return;
    }
    const conversation = await this.conversations.byId(chat.conversationId);
    const stored = message.cursor ? await this.conversations.message(message.cursor) : null;
    if (!conversation || !stored) return;
    this.emitter.toOwner(conversation.agentId, 'message', { ...messageView(stored), deliveryState: 'delivered' });
  }

  async userMessageSettled(chat: ProviderChat, cursor: string): Promise<void> {
    const [conversation, stored] = await Promise.all([this.conversations.byId(chat.conversationId), this.conversations.message(cursor)]);
    if (conversation && stored) this.emitter.toOwner(conversation.agentId, 'message', messageView(stored));
  }

  async sendUserActivity(chat: ProviderChat, activity: UserActivity): Promise<void> {
    const conversation = await this.conversations.byId(chat.conversationId);
    if (!conversation) return;
    if (activity.type === 'read') {
      const last = await this.conversations.lastCursor(chat.conversationId, 'to_user');
      if (last) this.emitter.toOwner(conversation.agentId, 'read', { conversationId: chat.conversationId, cursor: last });
    } else {
      this.emitter.toOwner(conversation.agentId, 'typing', { conversationId: chat.conversationId, typing: activity.type === 'typing_started' });
    }
  }

  async sendSystemNotice(chat: ProviderChat, text: string): Promise<void> {
    const conversation = await this.conversations.byId(chat.conversationId);
    if (!conversation) return;
    const stored = await this.desk.internalNote(chat.conversationId, { author: 'system', text });
    if (stored) this.emitter.toOwner(conversation.agentId, 'message', messageView(stored));
  }

  /** An overflow or a transfer to a team: the queues are planned again, and the team's agents see it. */
  async teamChanged(): Promise<void> {
    await this.route('team changed');
  }

  async closeChat(chat: ProviderChat, reason: string): Promise<void> {
    const conversation = await this.conversations.byId(chat.conversationId);
    this.emitter.toOwner(conversation?.agentId ?? null, 'conversation:closed', { conversationId: chat.conversationId, reason });
    await this.route('closed');
  }
}
