import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { BotkitClient, splitMessage } from '@agent-bridge/botkit';
import { metrics, timedProviderCall } from '@agent-bridge/observability';
import { JOB_OPTIONS, JOBS, QUEUES, jobId, type EndSessionJob, type SessionJob } from '@agent-bridge/queue';
import { ConversationRepository } from '../conversations/conversation.repository';
import type { Conversation } from '../conversations/conversation.types';
import { providerChatOf } from '../conversations/provider-chat';
import { csatExternalId } from '../csat/csat-rating';
import { CsatService } from '../csat/csat.service';
import { ProviderError, ProviderErrorCode, type HandoffProvider, type ProviderChat } from '../desk-port/desk-adapter';
import { ProviderRegistry } from '../desks/provider-registry.service';
import { BotSettingsService } from '../settings/bot-settings.service';
import { alreadyDelivered } from './already-delivered';
import { RelayService } from './relay.service';
import { TranscriptRepository, type TranscriptMessage } from './transcript.repository';

const BATCH = 50;
/** To the user, when a message of the agent's was given up before it reached the user's side. */
const AGENT_MESSAGE_LOST = 'A message from the agent could not be delivered to you.';

/** A message just stored in an outbox, as the fast path delivers it. */
export type OutboxMessage = Pick<TranscriptMessage, 'id' | 'externalId' | 'text' | 'createdAt'>;

/**
 * Drains one conversation's outbox in one direction, oldest first. A failure that may pass keeps
 * the message at the head and retries the whole drain later (order is never broken); a message
 * that finally cannot be delivered is marked failed and both sides are told.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    private readonly conversations: ConversationRepository,
    private readonly transcript: TranscriptRepository,
    private readonly providers: ProviderRegistry,
    private readonly botkit: BotkitClient,
    private readonly relay: RelayService,
    private readonly csat: CsatService,
    private readonly botSettings: BotSettingsService,
    @InjectQueue(QUEUES.sessions) private readonly sessions: Queue<SessionJob | EndSessionJob>,
  ) {}

  async drainToUser(job: Job<SessionJob>): Promise<{ delivered: number }> {
    const conversation = await this.conversations.findById(job.data.conversationId);
    if (!conversation) return { delivered: 0 };
    let delivered = 0;
    // A drain that runs again (its process died, or an attempt failed) may have sent its first message already.
    let rerun = job.attemptsMade > 0 || job.stalledCounter > 0;
    for (const message of await this.transcript.nextPending(conversation.id, 'to_user', BATCH)) {
      try {
        if (rerun && (await alreadyDelivered(this.botkit, conversation.latestPayload, message.text, message.createdAt))) {
          metrics.duplicatesAvoided.inc({ direction: 'to_user' });
        } else {
          await this.sendToUser(conversation, message);
        }
        rerun = false;
        await this.transcript.markDelivered(message.id);
        this.count(conversation, message, 'to_user');
        delivered++;
      } catch (error) {
        await this.failOrRetry(job, conversation, message, error, 'user');
      }
      await this.settled(conversation, message.id);
    }
    if (delivered === BATCH) {
      await this.relay.drain(conversation.id, 'to_user'); // a follow-up job takes the rest
      return { delivered };
    }
    if (conversation.state === 'closed') {
      // The user's queue is drained after the close: now the platform can take the user back.
      await this.sessions.add(JOBS.clearAgentSession, { conversationId: conversation.id }, { ...JOB_OPTIONS[JOBS.clearAgentSession], jobId: jobId('clear', conversation.id) });
    }
    return { delivered };
  }

  /**
   * A user message for the desk, from the conversation's lane (one message at a time), already in
   * the transcript (MessageIntakeRepository.takeUserMessage): stored `delivered` when it goes to the
   * desk now, which a failed send corrects (pending for the drain job, which keeps order and retries
   * with backoff; or failed, both sides told). Stored `pending`: the drain job takes it. One write
   * per message, no job hop.
   */
  async relayUserMessage(conversation: Conversation, message: OutboxMessage & { externalId: string }, sendNow: boolean, again = false): Promise<void> {
    const chat = providerChatOf(conversation);
    if (!sendNow || !chat) {
      await this.relay.drain(conversation.id, 'to_agent');
      return;
    }
    const provider = this.providers.get(conversation.provider);
    try {
      await this.sendToDesk(provider, chat, message, again);
    } catch (error) {
      await this.transcript.undeliver(message.id, (error as Error).message);
      if ((error as { retryable?: unknown }).retryable === false) {
        await this.giveUp(conversation, message, error, 'agent');
        return;
      }
      metrics.deliveryRetries.inc({ direction: 'to_agent', provider: conversation.provider });
      await this.relay.drain(conversation.id, 'to_agent');
      return;
    }
    this.count(conversation, message, 'to_agent');
  }

  /**
   * The lane item of a message already stored runs again (its process stopped between the write
   * and the end of the send): a message marked delivered is sent again (at least once, as
   * everywhere), a pending one is left to the drain job.
   */
  async relayAgain(conversation: Conversation, requestId: string): Promise<void> {
    const message = await this.transcript.findByExternalId(conversation.id, 'to_agent', requestId);
    if (!message || message.deliveryState === 'failed') return;
    if (message.deliveryState === 'pending') {
      await this.relay.drain(conversation.id, 'to_agent');
      return;
    }
    await this.relayUserMessage(conversation, { ...message, externalId: requestId }, true, true);
  }

  /**
   * The desk lane item of a message already stored runs again (its process stopped between the
   * write and the end of the send), or a late repeat of its webhook arrives: a message whose send
   * was confirmed (delivered, attempts > 0: the drain's, or a catch-up's) is not sent again; one
   * stored delivered but unconfirmed is sent again unless the platform shows it (at least once), a
   * pending one is left to the drain job, a failed one stays given up. False when there was
   * nothing to do.
   */
  async deliverAgainToUser(conversation: Conversation, externalId: string, olderPending: number): Promise<boolean> {
    const message = await this.transcript.findByExternalId(conversation.id, 'to_user', externalId);
    if (!message || message.deliveryState === 'failed') return false;
    if (message.deliveryState === 'delivered' && message.attempts > 0) return false;
    // Cut off mid-send by a crash: the platform may show it already, and then it is not sent twice.
    if (message.deliveryState === 'delivered' && olderPending === 0 && (await alreadyDelivered(this.botkit, conversation.latestPayload, message.text, message.createdAt))) {
      metrics.duplicatesAvoided.inc({ direction: 'to_user' });
      await this.settled(conversation, message.id);
      return true;
    }
    await this.deliverNowToUser(conversation, message, olderPending);
    return true;
  }

  /**
   * Delivers a desk message to the user at once, from the chat's ordered lane: only when nothing
   * older waits. The message was stored `delivered` (MessageIntakeRepository.takeDeskMessage): one
   * write per message. A failure that may pass makes it pending again for the drain job (retries,
   * order kept); one that cannot is given up and reported, as the drain would.
   */
  async deliverNowToUser(conversation: Conversation, message: TranscriptMessage, olderPending: number): Promise<void> {
    if (olderPending > 0 || message.deliveryState !== 'delivered') {
      await this.relay.drain(conversation.id, 'to_user');
      return;
    }
    try {
      await this.sendToUser(conversation, message);
    } catch (error) {
      if ((error as { retryable?: unknown }).retryable === false) {
        await this.giveUp(conversation, message, error, 'user');
      } else {
        metrics.deliveryRetries.inc({ direction: 'to_user', provider: conversation.provider });
        await this.transcript.undeliver(message.id, (error as Error).message);
        await this.relay.drain(conversation.id, 'to_user');
      }
      return;
    }
    this.count(conversation, message, 'to_user');
    await this.settled(conversation, message.id);
  }

  async drainToAgent(job: Job<SessionJob>): Promise<{ delivered: number }> {
    const conversation = await this.conversations.findById(job.data.conversationId);
    const chat = conversation && providerChatOf(conversation);
    if (!conversation || !chat) return { delivered: 0 }; // not open on the desk yet: the open re-drains
    const provider = this.providers.get(conversation.provider);
    let delivered = 0;
    let rerun = job.attemptsMade > 0 || job.stalledCounter > 0;
    for (const message of await this.transcript.nextPending(conversation.id, 'to_agent', BATCH)) {
      try {
        await this.sendToDesk(provider, chat, message, rerun);
        rerun = false;
        await this.transcript.markDelivered(message.id);
        this.count(conversation, message, 'to_agent');
        delivered++;
      } catch (error) {
        await this.failOrRetry(job, conversation, message, error, 'agent');
      }
    }
    if (delivered === BATCH) await this.relay.drain(conversation.id, 'to_agent');
    return { delivered };
  }

  /** The platform's limits apply to each message: a long agent reply goes out in parts. The rating question is a template. */
  private async sendToUser(conversation: Conversation, message: Pick<TranscriptMessage, 'text' | 'externalId'>): Promise<void> {
    if (message.externalId === csatExternalId(conversation.id)) return this.csat.sendPrompt(conversation, message.text);
    for (const part of splitMessage(message.text)) {
      await this.botkit.sendUserMessage({ ...conversation.latestPayload, message: part }, { attempts: 2 });
    }
  }

  private sendToDesk(provider: HandoffProvider, chat: ProviderChat, message: OutboxMessage, again = false): Promise<void> {
    return timedProviderCall(provider.name, 'send_message', () =>
      provider.sendUserMessage(chat, { messageId: message.externalId ?? message.id, text: message.text, cursor: message.id, at: message.createdAt, again }),
    );
  }

  private count(conversation: Conversation, message: Pick<TranscriptMessage, 'createdAt'>, direction: 'to_user' | 'to_agent'): void {
    const labels = { direction, provider: conversation.provider };
    metrics.relayed.inc(labels);
    metrics.relayLatency.observe(labels, (Date.now() - message.createdAt.getTime()) / 1000);
  }

  /** Lets a desk that shows delivery states (the console) update the message; never fails the drain. */
  private async settled(conversation: Conversation, cursor: string): Promise<void> {
    const chat = providerChatOf(conversation);
    const provider = this.providers.get(conversation.provider);
    if (!chat || !provider.userMessageSettled) return;
    await provider.userMessageSettled(chat, cursor).catch((error: unknown) => {
      this.logger.warn(`conversation ${conversation.id}: delivery state not shown to the desk: ${(error as Error).message}`);
    });
  }

  private async failOrRetry(job: Job, conversation: Conversation, message: TranscriptMessage, error: unknown, to: 'user' | 'agent'): Promise<void> {
    const reason = (error as Error).message;
    const retryable = (error as { retryable?: unknown }).retryable !== false;
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const labels = { direction: to === 'user' ? 'to_user' : 'to_agent', provider: conversation.provider };
    if (retryable && !lastAttempt) {
      metrics.deliveryRetries.inc(labels);
      await this.transcript.recordAttempt(message.id, reason);
      throw error;
    }
    await this.giveUp(conversation, message, error, to);
  }

  /** A message that will not be delivered: marked failed, both sides told, a closed desk chat ends the session. */
  private async giveUp(conversation: Conversation, message: OutboxMessage, error: unknown, to: 'user' | 'agent'): Promise<void> {
    const reason = (error as Error).message;
    metrics.deliveryFailures.inc({ direction: to === 'user' ? 'to_user' : 'to_agent', provider: conversation.provider });
    await this.transcript.markFailed(message.id, reason);
    this.logger.error(`conversation ${conversation.id}: message ${message.id} to the ${to} failed for good: ${reason}`);
    if (error instanceof ProviderError && error.code === ProviderErrorCode.ChatClosed && conversation.state !== 'closed') {
      // The desk closed the chat while we were not looking (LiveChat's chat_inactive): end the session.
      await this.sessions.add(JOBS.endSession, { conversationId: conversation.id, reason: 'agent_closed', actor: `provider:${conversation.provider}` }, {
        ...JOB_OPTIONS[JOBS.endSession],
        jobId: jobId('end', conversation.id),
      });
    }
    await this.reportFailure(conversation, to);
  }

  /**
   * A message that never reached the transcript (its lane item was dead-lettered: a store refused
   * it, or it kept failing): counted and reported to both sides as a message given up.
   */
  async reportUndeliverable(conversation: Conversation, to: 'user' | 'agent'): Promise<void> {
    metrics.deliveryFailures.inc({ direction: to === 'user' ? 'to_user' : 'to_agent', provider: conversation.provider });
    await this.reportFailure(conversation, to, true);
  }

  /**
   * Tells both sides that a message was lost; a report that itself fails is logged, not retried.
   * The user hears of a lost agent message only when the user's side still works (`userToo`).
   */
  private async reportFailure(conversation: Conversation, to: 'user' | 'agent', userToo = false): Promise<void> {
    const chat = providerChatOf(conversation);
    const agentNotice = to === 'user' ? 'A message could not be delivered to the user.' : 'A message from the user could not be delivered to you.';
    const userNotice = to === 'agent' ? this.botSettings.messages(conversation.botId).deliveryFailed : userToo ? AGENT_MESSAGE_LOST : null;
    await Promise.allSettled([
      chat ? this.providers.get(conversation.provider).sendSystemNotice(chat, agentNotice) : Promise.resolve(),
      userNotice ? this.botkit.sendUserMessage({ ...conversation.latestPayload, message: userNotice }, { attempts: 2 }) : Promise.resolve(),
    ]).then((results) => {
      for (const r of results) if (r.status === 'rejected') this.logger.error(`conversation ${conversation.id}: failure report not delivered: ${(r.reason as Error).message}`);
    });
  }
}
