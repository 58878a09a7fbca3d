import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { JobHandler, JOBS, QUEUES, type JobHandlerFor, type LiveChatV2PollJob } from '@agent-bridge/queue';
import { LiveChatV2Error, toProviderError } from './livechat-v2-api.client';
import { LiveChatV2EventRelay, type RelayOutcome } from './livechat-v2-events.relay';
import { isPolling, startPolling, stopPolling } from './livechat-v2-poll.schedule';
import { LiveChatV2Provider } from './livechat-v2.provider';
import { LIVECHAT_V2 } from './livechat-v2.types';
import { DeskEvents, DeskSessions } from '@agent-bridge/desk-port';

type PollResult = RelayOutcome | { skipped: string };

/** A failed poll throws: BullMQ retries it and the scheduler polls again on its next tick. */
@Injectable()
@JobHandler(JOBS.livechatV2Poll)
export class LiveChatV2PollHandler implements JobHandlerFor<typeof JOBS.livechatV2Poll>, OnApplicationBootstrap {
  private readonly logger = new Logger(LiveChatV2PollHandler.name);
  private readonly relay: LiveChatV2EventRelay;

  constructor(
    private readonly provider: LiveChatV2Provider,
    private readonly conversations: DeskSessions,
    private readonly desk: DeskEvents,
    @InjectQueue(QUEUES.livechatV2Poll) private readonly polls: Queue<LiveChatV2PollJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.relay = new LiveChatV2EventRelay(desk, provider.chats);
  }

  /** Restores a scheduler lost with Redis's data, or LiveChat closes the chat ~30 s later with nobody noticing. */
  async onApplicationBootstrap(): Promise<void> {
    let restored = 0;
    for (const conversation of await this.conversations.open(LIVECHAT_V2)) {
      if (!conversation.providerRef || (await isPolling(this.polls, conversation.id))) continue;
      await startPolling(this.polls, conversation.id, this.config.livechat.v2PollSeconds);
      restored++;
    }
    if (restored > 0) this.logger.warn(`restored polling of ${restored} livechat-v2 chat(s) whose scheduler was missing`);
  }

  async handle(job: Job<LiveChatV2PollJob>): Promise<PollResult> {
    const { conversationId } = job.data;
    if (typeof conversationId !== 'string' || !conversationId) return { skipped: 'no conversation id' };
    const conversation = await this.conversations.byId(conversationId);
    if (!conversation || conversation.state === 'closed') {
      await stopPolling(this.polls, conversationId);
      return { skipped: 'session closed' };
    }
    const state = await this.provider.chats.get(conversationId);
    if (!state) return { skipped: 'chat not started yet' };
    const linked = conversation.providerRef === state.secured_session_id;
    let events;
    try {
      events = await this.provider.api.pendingEvents(state.visitor_id, state.secured_session_id, state.last_message_id);
    } catch (error) {
      if (linked && error instanceof LiveChatV2Error && error.status === 404) {
        // LiveChat no longer knows the chat at all: no poll will ever succeed again.
        this.logger.warn(`conversation ${conversationId}: livechat-v2 chat unknown to LiveChat, ending the session`);
        await this.desk.chatClosed(LIVECHAT_V2, state.secured_session_id, `provider:${LIVECHAT_V2}`, 'provider_error');
        await stopPolling(this.polls, conversationId);
        return { skipped: 'chat unknown to LiveChat' };
      }
      throw toProviderError(error);
    }
    // The engine stores the ref just after openChat returns; until then the poll is only a keep-alive.
    if (!linked) return { skipped: 'chat not linked to the session yet' };
    const outcome = await this.relay.relay(conversation, state.secured_session_id, state, events);
    if (outcome.closed) await stopPolling(this.polls, conversationId);
    return outcome;
  }
}
