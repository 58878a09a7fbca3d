import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { bulkhead } from 'cockatiel';
import { LaneInboxService } from '@agent-bridge/events';
import { type Conversation, DeskEvents, DeskSessions, DeskStateStore } from '@agent-bridge/desk-port';
import { toProviderError } from './chatwoot-api.client';
import type { ChatwootChatState } from './chatwoot-chat-state';
import { ChatwootConversations } from './chatwoot-conversations';
import { CHATWOOT, messageDedupeKey, type ChatwootAgent, type ChatwootLaneItem, type ChatwootLaneRecord } from './chatwoot-lane';
import { isAgentReply, type ChatwootMessage } from './chatwoot-message';

/** The chat-state key holding our contact as an author (`contact:<id>`), for the engine's own-echo check. */
const OWN_AUTHOR_KEY = 'ownAuthor';
/**
 * An agent message written this long after the session closed is not relayed (the agent is told
 * instead): the user is back with the bot. Within it, it still goes: it may have been written
 * between the last read of a resolved conversation and the close, and clocks differ a little.
 */
const LATE_MESSAGE_MS = 10_000;
/** A webhook of a conversation whose hand-off is still storing its id (Chatwoot assigns at once) waits this long for it. */
const OPENING_WAIT_MS = 3_000;
const OPENING_POLL_MS = 100;
/** Catch-ups reading Chatwoot at once in one process: a start with many open conversations stays within its rate limits. */
const CATCH_UP_CONCURRENCY = 8;

export const BACK_WITH_BOT_NOTE = 'this hand-off has ended and the user is back with the bot: messages written here no longer reach them.';

/**
 * Turns a Chatwoot conversation's lane items into desk events, in order: agents' replies (the
 * first reply of a waiting session is the agent joining), assignment and transfer, the
 * conversation resolved (after a last read of its messages, so that nothing written before is
 * lost) or reopened after the session ended, and catch-ups after a gap.
 */
@Injectable()
export class ChatwootInboundService {
  private readonly logger = new Logger(ChatwootInboundService.name);
  private readonly catchUps = bulkhead(CATCH_UP_CONCURRENCY, Infinity);

  constructor(
    private readonly sessions: DeskSessions,
    private readonly desk: DeskEvents,
    private readonly state: DeskStateStore,
    private readonly chatwoot: ChatwootConversations,
    private readonly lanes: LaneInboxService,
  ) {}

  handle({ ref, receivedAt, item }: ChatwootLaneRecord): Promise<string> {
    switch (item.kind) {
      case 'message':
        return this.message(ref, item.message, receivedAt);
      case 'assignee':
        return this.assignee(ref, item, receivedAt);
      case 'status':
        return this.status(ref, item, receivedAt);
      case 'catch-up':
        return this.catchUps.execute(() => this.catchUp(ref));
    }
  }

  private async message(ref: string, message: ChatwootMessage, receivedAt: number): Promise<string> {
    const conversation = await this.session(ref, receivedAt);
    if (!conversation) return 'not our chat';
    if (conversation.state === 'closed') {
      const writtenAt = message.createdAt ? Date.parse(message.createdAt) : receivedAt;
      const told = (await this.state.chatState<ChatwootChatState>(conversation.id)).toldBackWithBot === true;
      if (told || writtenAt > (conversation.closedAt?.getTime() ?? 0) + LATE_MESSAGE_MS) {
        await this.tellBackWithBot(conversation, told);
        return 'written after the close';
      }
    } else if (conversation.state === 'queued') {
      await this.joinOnReply(ref, message);
    }
    return this.desk.agentMessageInOrder(CHATWOOT, ref, agentMessage(message), { stateKey: OWN_AUTHOR_KEY, authorId: authorOf(message) });
  }

  private async assignee(ref: string, item: Extract<ChatwootLaneItem, { kind: 'assignee' }>, receivedAt: number): Promise<string> {
    const conversation = await this.session(ref, receivedAt);
    if (!conversation || conversation.state === 'closed') return 'no open session';
    // A new assignee is the agent joining, or the session moving to them (a transfer).
    if (item.assignee) return (await this.desk.agentJoined(CHATWOOT, ref, item.assignee)) ? 'agent joined' : 'no open session';
    // Unassigned: the agent the session is with left it; the user waits for the next one.
    if (conversation.state === 'assigned' && (item.previousId === null || item.previousId === conversation.agentId)) {
      await this.desk.requeue(conversation, 'provider:chatwoot');
      return 'requeued';
    }
    return 'unassigned';
  }

  private async status(ref: string, item: Extract<ChatwootLaneItem, { kind: 'status' }>, receivedAt: number): Promise<string> {
    const conversation = await this.session(ref, receivedAt);
    if (!conversation) return 'not our chat';
    if (item.status === 'resolved') {
      if (conversation.state === 'closed') return 'closed already';
      // Chatwoot's webhooks may come in any order: the last replies are read before the close.
      await this.catchUpMessages(conversation).catch((error: unknown) => {
        const failure = toProviderError(error);
        if (failure.retryable) throw failure;
        this.logger.warn(`conversation ${conversation.id}: resolved without a last read, Chatwoot refused it (${failure.code})`);
      });
      await this.desk.chatClosed(CHATWOOT, ref, item.assignee ? `agent:${item.assignee.id}` : 'provider:chatwoot', 'agent_closed');
      return 'closed';
    }
    if (item.status === 'open' && conversation.state === 'closed') {
      await this.tellBackWithBot(conversation);
      return 'reopened after the close';
    }
    return `status ${item.status}`;
  }

  /**
   * The catch-up item of a conversation's lane (queued at start and after refused webhooks, ahead
   * of newer webhooks): what happened while no webhook could reach us (an assignment, replies, the
   * conversation resolved) is applied in order. A failure Chatwoot may get over is thrown: the
   * lane retries it, holding newer events.
   */
  async catchUp(ref: string): Promise<string> {
    const conversation = await this.sessions.byRef(CHATWOOT, ref);
    if (!conversation || conversation.state === 'closed') return 'no open session';
    try {
      const view = await this.chatwoot.get(ref);
      const assignee = view?.assignee;
      if (assignee && (conversation.state === 'queued' || conversation.agentId !== assignee.id)) await this.desk.agentJoined(CHATWOOT, ref, assignee);
      const relayed = await this.catchUpMessages((await this.sessions.byId(conversation.id)) ?? conversation);
      if (view?.status === 'resolved') await this.desk.chatClosed(CHATWOOT, ref, assignee ? `agent:${assignee.id}` : 'provider:chatwoot', 'agent_closed');
      return `caught up ${relayed}`;
    } catch (error) {
      const failure = toProviderError(error);
      if (failure.retryable) throw failure;
      this.logger.warn(`conversation ${conversation.id}: no catch-up, Chatwoot refused the conversation (${failure.code})`);
      return 'catch-up refused';
    }
  }

  /**
   * The agent replies after the cursor not stored yet go to the user in order, the cursor moves to
   * the newest message read, and the replies' webhooks (retried by Chatwoot later) are dropped at accept.
   */
  private async catchUpMessages(conversation: Conversation): Promise<number> {
    const ref = conversation.providerRef!;
    const { cursor } = await this.state.chatState<ChatwootChatState>(conversation.id);
    const messages = await this.chatwoot.messagesAfter(ref, cursor ?? null);
    const replies = messages.filter(isAgentReply);
    if (conversation.state === 'queued' && replies[0]) await this.joinOnReply(ref, replies[0]);
    const relayed = await this.desk.missedAgentMessages(CHATWOOT, conversation.id, ref, replies.map((m) => ({ ...agentMessage(m), authorId: authorOf(m) })), OWN_AUTHOR_KEY);
    await this.lanes.markSeen(replies.map((m) => messageDedupeKey(m.id)));
    const newest = messages[messages.length - 1]?.id;
    if (newest && newest !== cursor) await this.state.patchChatState(conversation.id, CHATWOOT, { cursor: newest } satisfies ChatwootChatState);
    if (relayed) this.logger.log(`conversation ${conversation.id}: caught up ${relayed} Chatwoot message(s) in order`);
    return relayed;
  }

  /** An agent replying to a waiting session has taken it (Chatwoot may not have assigned it). */
  private async joinOnReply(ref: string, message: ChatwootMessage): Promise<void> {
    if (message.sender.type !== 'user' || !message.sender.id) return;
    const agent: ChatwootAgent = { id: message.sender.id, name: message.sender.name ?? `Agent ${message.sender.id}` };
    await this.desk.agentJoined(CHATWOOT, ref, agent, message.createdAt);
  }

  /** Once per session: a private note that replies no longer reach the user. */
  private async tellBackWithBot(conversation: Conversation, told?: boolean): Promise<void> {
    if (told ?? (await this.state.chatState<ChatwootChatState>(conversation.id)).toldBackWithBot) return;
    try {
      await this.chatwoot.postNote(conversation.providerRef!, `agent-bridge: ${BACK_WITH_BOT_NOTE}`);
    } catch (error) {
      throw toProviderError(error);
    }
    await this.state.patchChatState(conversation.id, CHATWOOT, { toldBackWithBot: true } satisfies ChatwootChatState);
  }

  /**
   * The session of a conversation. A webhook that arrives while its hand-off is still opening
   * (Chatwoot assigning it at once) waits briefly for the conversation's id to be stored.
   */
  private async session(ref: string, receivedAt: number): Promise<Conversation | null> {
    for (;;) {
      const conversation = await this.sessions.byRef(CHATWOOT, ref);
      if (conversation || Date.now() - receivedAt > OPENING_WAIT_MS) return conversation;
      await sleep(OPENING_POLL_MS);
    }
  }
}

function agentMessage(message: ChatwootMessage): { id: string; text: string; agentName: string | null; sentAt: string | null } {
  return { id: message.id, text: message.text ?? '', agentName: message.sender.name, sentAt: message.createdAt };
}

/** Never null: the engine's own-echo check would take a null author for ours. */
function authorOf(message: ChatwootMessage): string {
  return `${message.sender.type}:${message.sender.id ?? '?'}`;
}
