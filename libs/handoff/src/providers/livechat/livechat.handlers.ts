import { Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { LaneInboxService } from '@agent-bridge/events';
import { InjectQueue } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { JobHandler, JOBS, QUEUES, jobId, type JobHandlerFor, type LiveChatWebhookJob, type SessionJob } from '@agent-bridge/queue';
import { ConversationRepository } from '../../conversations/conversation.repository';
import { DeliveryService } from '../../relay/delivery.service';
import { ProviderStateRepository } from '../shared/provider-state.repository';
import { LiveChatInboundService } from './livechat-inbound.service';
import { LIVECHAT_LANE } from './livechat-webhook.controller';
import { LIVECHAT } from './livechat-tokens.service';
import type { LiveChatChatState } from './livechat.provider';

/**
 * A chat's lane (incoming events, in order) is handled like the queued webhooks. An agent's message
 * dead-lettered there is reported to both sides, as a message given up.
 */
@Injectable()
export class LiveChatLaneHandler implements OnModuleInit {
  constructor(
    private readonly lanes: LaneInboxService,
    private readonly inbound: LiveChatInboundService,
    private readonly conversations: ConversationRepository,
    private readonly state: ProviderStateRepository,
    private readonly delivery: DeliveryService,
  ) {}

  onModuleInit(): void {
    this.lanes.register(
      LIVECHAT_LANE,
      async (item, decoded) => {
        const { action, payload } = (decoded ?? JSON.parse(item)) as LiveChatWebhookJob;
        await this.inbound.handle(action, payload);
      },
      { onDeadLetter: (item, decoded) => this.deadLettered((decoded ?? JSON.parse(item)) as LiveChatWebhookJob) },
    );
  }

  private async deadLettered({ action, payload }: LiveChatWebhookJob): Promise<void> {
    const event = (payload.event ?? {}) as { type?: unknown; author_id?: unknown };
    if (action !== 'incoming_event' || typeof payload.chat_id !== 'string' || (event.type !== 'message' && event.type !== 'file')) return;
    const conversation = await this.conversations.findByProviderRef(LIVECHAT, payload.chat_id);
    if (!conversation || conversation.state === 'closed') return;
    // Our own echo of a user message is no agent message.
    if (event.author_id === (await this.state.chatState<LiveChatChatState>(conversation.id)).entityId) return;
    await this.delivery.reportUndeliverable(conversation, 'user');
  }
}

@Injectable()
@JobHandler(JOBS.livechatWebhook)
export class LiveChatWebhookHandler implements JobHandlerFor<typeof JOBS.livechatWebhook> {
  constructor(private readonly inbound: LiveChatInboundService) {}

  async handle(job: Job<LiveChatWebhookJob>): Promise<{ outcome: string }> {
    return { outcome: await this.inbound.handle(job.data.action, job.data.payload) };
  }
}

/**
 * Catches a chat up from LiveChat's threads. Queued for every open LiveChat session when a worker
 * starts: webhooks sent while no instance was up are relayed then, deduplicated by event id.
 */
@Injectable()
@JobHandler(JOBS.livechatCatchUp)
export class LiveChatCatchUpHandler implements JobHandlerFor<typeof JOBS.livechatCatchUp>, OnApplicationBootstrap {
  constructor(
    private readonly inbound: LiveChatInboundService,
    private readonly conversations: ConversationRepository,
    @InjectQueue(QUEUES.livechat) private readonly queue: Queue<SessionJob>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const minute = String(Math.floor(Date.now() / 60_000));
    for (const conversation of await this.conversations.listActive(LIVECHAT)) {
      // One catch-up per session per minute, however many instances start together.
      await this.queue.add(JOBS.livechatCatchUp, { conversationId: conversation.id }, {
        jobId: jobId('lc-catchup', conversation.id, minute),
        attempts: 5,
        backoff: { type: 'exponential', delay: 2000 },
        removeOnComplete: { age: 3600 },
      });
    }
  }

  async handle(job: Job<SessionJob>): Promise<{ relayed: number }> {
    const conversation = await this.conversations.findById(job.data.conversationId);
    if (!conversation || conversation.state === 'closed') return { relayed: 0 };
    return { relayed: await this.inbound.catchUp(conversation) };
  }
}
