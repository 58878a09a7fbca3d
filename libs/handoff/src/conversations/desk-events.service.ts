import { Injectable, Logger } from '@nestjs/common';
import { RelayService } from '../relay/relay.service';
import { DeliveryService } from '../relay/delivery.service';
import type { TranscriptMessage } from '../relay/transcript.repository';
import { ConversationRepository } from './conversation.repository';
import { MessageIntakeRepository } from './message-intake.repository';
import type { CloseReason } from './conversation.types';
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
    private readonly intake: MessageIntakeRepository,
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
   * agentMessage on the hot path, for an adapter that handles each chat's events in order: the
   * session lookup, the own-echo check (`own`: the adapter's chat-state key holding our own author
   * id on the desk) and the store are one statement; then the message goes to the user at once when
   * nothing older waits (else the ordered drain job takes it). Returns what happened, for the
   * adapter's log of the event.
   */
  async agentMessageForChat(
    provider: string,
    ref: string,
    message: { id: string; text: string; agentName?: string | null; sentAt?: string | null },
    own: { stateKey: string; authorId: string | null },
  ): Promise<'not our chat' | 'own event' | 'duplicate' | 'relayed'> {
    const externalId = `${provider}:${message.id}`;
    const step = await this.intake.takeDeskMessage(provider, ref, {
      externalId,
      text: message.text,
      authorName: message.agentName ?? null,
      sentAt: message.sentAt ?? null,
    }, own);
    if (!step) return 'not our chat';
    if (step.own) return 'own event';
    if (step.conversation.state === 'closed' || !step.conversation.providerRef) {
      // Late messages of a closed session take the general path (stored, delivered before the closing notice).
      return (await this.agentMessage(provider, ref, message)) ? 'relayed' : 'duplicate';
    }
    if (step.message) {
      await this.delivery.deliverNowToUser(step.conversation, step.message, step.olderPending);
      return 'relayed';
    }
    return (await this.delivery.deliverAgainToUser(step.conversation, externalId, step.olderPending)) ? 'relayed' : 'duplicate';
  }

  /**
   * A catch-up from the chat's ordered lane: the messages (oldest first) not stored yet go the way
   * of agentMessageForChat, in order, each send confirmed once it succeeded (a late repeat of its
   * webhook then finds it confirmed and sends nothing). Returns how many were relayed.
   */
  async missedAgentMessagesForChat(
    provider: string,
    conversationId: string,
    ref: string,
    messages: Array<{ id: string; text: string; sentAt?: string | null; authorId: string | null }>,
    ownStateKey: string,
  ): Promise<number> {
    const stored = await this.intake.storedExternalIds(conversationId, 'to_user', messages.map((m) => `${provider}:${m.id}`));
    let relayed = 0;
    for (const message of messages) {
      if (stored.has(`${provider}:${message.id}`)) continue;
      const step = await this.intake.takeDeskMessage(provider, ref, {
        externalId: `${provider}:${message.id}`,
        text: message.text,
        authorName: null,
        sentAt: message.sentAt ?? null,
      }, { stateKey: ownStateKey, authorId: message.authorId });
      // The session closed meanwhile (its close catches up on its own), or another run stored it.
      if (!step?.message || step.own) continue;
      await this.delivery.deliverNowToUser(step.conversation, step.message, step.olderPending);
      if (step.message.deliveryState === 'delivered' && step.olderPending === 0) await this.intake.confirmSent(step.message.id);
      relayed++;
    }
    return relayed;
  }

  /** The desk closed the chat: the agent, or its router (inactivity, nobody available). */
  async chatClosed(provider: string, ref: string, by: string, reason: CloseReason = 'agent_closed'): Promise<boolean> {
    const conversation = await this.conversations.findByProviderRef(provider, ref);
    if (!conversation || conversation.state === 'closed') return false;
    await this.handoff.requestEnd(conversation.id, reason, by);
    return true;
  }
}
