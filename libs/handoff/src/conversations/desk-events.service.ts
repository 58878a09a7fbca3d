import { Injectable, Logger } from '@nestjs/common';
import { RelayService } from '../relay/relay.service';
import { DeliveryService } from '../relay/delivery.service';
import { TranscriptRepository, type TranscriptMessage } from '../relay/transcript.repository';
import { ConversationRepository } from './conversation.repository';
import type { CloseReason, Conversation } from './conversation.types';
import { HandoffService } from './handoff.service';

/**
 * What desks tell us about their chats, whatever their wire format: an agent joined, wrote, or
 * closed. Adapters call these after checking the desk's authentication; each call is durable (a
 * row or a job) before it returns, so the adapter can acknowledge its webhook right after.
 */
@Injectable()
export class DeskEventsService {
  private readonly logger = new Logger(DeskEventsService.name);

  constructor(
    private readonly conversations: ConversationRepository,
    private readonly handoff: HandoffService,
    private readonly relay: RelayService,
    private readonly transcript: TranscriptRepository,
    private readonly delivery: DeliveryService,
  ) {}

  async agentJoined(provider: string, ref: string, agent: { id: string; name: string }): Promise<boolean> {
    const conversation = await this.conversations.findByProviderRef(provider, ref);
    if (!conversation || conversation.state === 'closed') return false;
    return (await this.handoff.assign(conversation, agent, `agent:${agent.id}`)) !== null;
  }

  /**
   * An agent's message. It is stored even when it arrives after the chat was closed (a desk may
   * send the close before the last message), and still delivered in order before the closing notice
   * when it was sent before the close.
   */
  async agentMessage(
    provider: string,
    ref: string,
    message: { id: string; text: string; agentName?: string | null; sentAt?: string | null },
  ): Promise<TranscriptMessage | null> {
    const conversation = await this.conversations.findByProviderRef(provider, ref);
    if (!conversation) {
      this.logger.warn(`${provider} message for unknown chat, dropped`);
      return null;
    }
    const stored = await this.relay.toUser(conversation, message.text, {
      externalId: `${provider}:${message.id}`,
      author: 'agent',
      authorName: message.agentName ?? conversation.agentName,
      sentAt: message.sentAt,
    });
    if (stored && conversation.state !== 'closed') await this.conversations.touch(conversation.id, null);
    return stored;
  }

  /**
   * agentMessage on the hot path, for an adapter that handles each chat's events in order and has
   * the session at hand: one statement stores the message, then it goes to the user at once when
   * nothing older waits (else the ordered drain job takes it). A closed session takes the usual path.
   */
  async agentMessageNow(
    conversation: Conversation,
    message: { id: string; text: string; agentName?: string | null; sentAt?: string | null },
  ): Promise<TranscriptMessage | null> {
    if (conversation.state === 'closed' || !conversation.providerRef) {
      return this.agentMessage(conversation.provider, conversation.providerRef ?? '', message);
    }
    const step = await this.transcript.appendToUser({
      conversationId: conversation.id,
      author: 'agent',
      authorName: message.agentName ?? conversation.agentName,
      text: message.text,
      externalId: `${conversation.provider}:${message.id}`,
      sentAt: message.sentAt ?? null,
    });
    if (!step) return null;
    await this.delivery.deliverNowToUser(conversation, step.message, step.olderPending);
    return step.message;
  }

  /**
   * agentMessageNow for an adapter that has only the chat id: the session lookup, the own-echo
   * check (`own`: the adapter's chat-state key holding our own author id on the desk) and the
   * store are one statement. Returns what happened, for the adapter's log of the event.
   */
  async agentMessageForChat(
    provider: string,
    ref: string,
    message: { id: string; text: string; agentName?: string | null; sentAt?: string | null },
    own: { stateKey: string; authorId: string | null },
  ): Promise<'not our chat' | 'own event' | 'duplicate' | 'relayed'> {
    const step = await this.conversations.takeDeskMessage(provider, ref, {
      externalId: `${provider}:${message.id}`,
      text: message.text,
      authorName: message.agentName ?? null,
      sentAt: message.sentAt ?? null,
    }, own);
    if (!step) return 'not our chat';
    if (own.authorId !== null && (step.chatState as Record<string, unknown>)[own.stateKey] === own.authorId) return 'own event';
    if (step.conversation.state === 'closed' || !step.conversation.providerRef) {
      // Late messages of a closed session take the general path (stored, delivered before the closing notice).
      return (await this.agentMessage(provider, ref, message)) ? 'relayed' : 'duplicate';
    }
    if (!step.message) return 'duplicate';
    await this.delivery.deliverNowToUser(step.conversation, step.message, step.olderPending);
    return 'relayed';
  }

  /** The desk closed the chat: the agent, or its router (inactivity, nobody available). */
  async chatClosed(provider: string, ref: string, by: string, reason: CloseReason = 'agent_closed'): Promise<boolean> {
    const conversation = await this.conversations.findByProviderRef(provider, ref);
    if (!conversation || conversation.state === 'closed') return false;
    await this.handoff.requestEnd(conversation.id, reason, by);
    return true;
  }
}
