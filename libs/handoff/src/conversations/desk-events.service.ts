import { Injectable, Logger } from '@nestjs/common';
import { DeskEvents, type AgentMessage } from '../desk-port/desk-events';
import type { CloseReason, Conversation, TranscriptMessage } from '../desk-port/desk-session';
import { RelayService } from '../relay/relay.service';
import { DeliveryService } from '../relay/delivery.service';
import { TranscriptRepository } from '../relay/transcript.repository';
import { ConversationRepository } from './conversation.repository';
import { MessageIntakeRepository } from './message-intake.repository';
import { HandoffService } from './handoff.service';

@Injectable()
export class DeskEventsService implements DeskEvents {
  private readonly logger = new Logger(DeskEventsService.name);

  constructor(
    private readonly conversations: ConversationRepository,
    private readonly handoff: HandoffService,
    private readonly relay: RelayService,
    private readonly intake: MessageIntakeRepository,
    private readonly delivery: DeliveryService,
    private readonly transcript: TranscriptRepository,
  ) {}

  async agentJoined(provider: string, ref: string, agent: { id: string; name: string }, at?: string | null): Promise<boolean> {
    const conversation = await this.conversations.findByProviderRef(provider, ref);
    if (!conversation || conversation.state === 'closed') return false;
    return (await this.handoff.assign(conversation, agent, `agent:${agent.id}`, false, at)) !== null;
  }

  async agentMessage(provider: string, ref: string, message: AgentMessage): Promise<TranscriptMessage | null> {
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
    if (stored && conversation.state !== 'closed') await this.conversations.touchByAgent(conversation.id);
    return stored;
  }

  async agentMessageInOrder(
    provider: string,
    ref: string,
    message: AgentMessage,
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

  async missedAgentMessages(
    provider: string,
    conversationId: string,
    ref: string,
    messages: Array<AgentMessage & { authorId: string | null }>,
    ownStateKey: string,
  ): Promise<number> {
    const stored = await this.transcript.storedExternalIds(conversationId, 'to_user', messages.map((m) => `${provider}:${m.id}`));
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
      if (step.message.deliveryState === 'delivered' && step.olderPending === 0) await this.transcript.confirmSent(step.message.id);
      relayed++;
    }
    return relayed;
  }

  async chatClosed(provider: string, ref: string, by: string, reason: CloseReason = 'agent_closed'): Promise<boolean> {
    const conversation = await this.conversations.findByProviderRef(provider, ref);
    if (!conversation || conversation.state === 'closed') return false;
    await this.handoff.requestEnd(conversation.id, reason, by);
    return true;
  }

  agentMessageLost(conversation: Conversation): Promise<void> {
    return this.delivery.reportUndeliverable(conversation, 'user');
  }

  assign(conversation: Conversation, agent: { id: string; name: string }, actor: string, onlyIfQueued = false): Promise<Conversation | null> {
    return this.handoff.assign(conversation, agent, actor, onlyIfQueued);
  }

  requeue(conversation: Conversation, actor: string): Promise<Conversation | null> {
    return this.handoff.requeue(conversation, actor);
  }

  async end(conversationId: string, reason: CloseReason, actor: string, disposition: string | null = null): Promise<boolean> {
    if (disposition) await this.conversations.setDisposition(conversationId, disposition);
    return this.handoff.end(conversationId, reason, actor);
  }

  internalNote(
    conversationId: string,
    note: { author: 'system' | 'note'; authorName?: string | null; text: string; externalId?: string | null },
  ): Promise<TranscriptMessage | null> {
    return this.transcript.append({
      conversationId,
      direction: 'internal',
      author: note.author,
      authorName: note.authorName ?? null,
      text: note.text,
      delivered: true,
      externalId: note.externalId ?? null,
    });
  }

  async tellUser(conversation: Conversation, text: string, externalId: string): Promise<void> {
    await this.relay.toUser(conversation, text, { externalId });
  }
}
