import { Injectable } from '@nestjs/common';
import { LaneHandler, LaneInboxService, type LaneHandlerFor } from '@agent-bridge/events';
import type { Job } from 'bullmq';
import { JobHandler, JOBS, type JobHandlerFor, type LiveChatWebhookJob, type SessionJob } from '@agent-bridge/queue';
import { LiveChatInboundService } from './livechat-inbound.service';
import { acceptCatchUp, CATCH_UP_ACTION, LIVECHAT_LANE } from './livechat-lane';
import { LIVECHAT } from './livechat-tokens.service';
import type { LiveChatChatState } from './livechat.provider';
import { DeskEvents, DeskSessions, DeskStateStore } from '@agent-bridge/desk-port';

/** An agent's message dead-lettered here is reported to both sides, as a message given up. */
@Injectable()
@LaneHandler(LIVECHAT_LANE)
export class LiveChatLaneHandler implements LaneHandlerFor {
  constructor(
    private readonly inbound: LiveChatInboundService,
    private readonly conversations: DeskSessions,
    private readonly state: DeskStateStore,
    private readonly desk: DeskEvents,
  ) {}

  async handle(item: string, decoded?: unknown): Promise<void> {
    const { action, payload } = (decoded ?? JSON.parse(item)) as LiveChatWebhookJob;
    if (action === CATCH_UP_ACTION) await this.inbound.catchUpInLane(String(payload.chat_id));
    else await this.inbound.handle(action, payload);
  }

  onDeadLetter(item: string, decoded: unknown): Promise<void> {
    return this.deadLettered((decoded ?? JSON.parse(item)) as LiveChatWebhookJob);
  }

  private async deadLettered({ action, payload }: LiveChatWebhookJob): Promise<void> {
    const event = (payload.event ?? {}) as { type?: unknown; author_id?: unknown };
    if (action !== 'incoming_event' || typeof payload.chat_id !== 'string' || (event.type !== 'message' && event.type !== 'file')) return;
    const conversation = await this.conversations.byRef(LIVECHAT, payload.chat_id);
    if (!conversation || conversation.state === 'closed') return;
    // Our own echo of a user message is no agent message.
    if (event.author_id === (await this.state.chatState<LiveChatChatState>(conversation.id)).entityId) return;
    await this.desk.agentMessageLost(conversation);
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

/** For catch-up jobs still queued: catch-ups run in the chat's lane, ordered with its webhooks. */
@Injectable()
@JobHandler(JOBS.livechatCatchUp)
export class LiveChatCatchUpHandler implements JobHandlerFor<typeof JOBS.livechatCatchUp> {
  constructor(
    private readonly conversations: DeskSessions,
    private readonly lanes: LaneInboxService,
  ) {}

  async handle(job: Job<SessionJob>): Promise<{ outcome: string }> {
    const conversation = await this.conversations.byId(job.data.conversationId);
    if (!conversation?.providerRef || conversation.state === 'closed') return { outcome: 'no open chat' };
    await acceptCatchUp(this.lanes, conversation.providerRef);
    return { outcome: 'catch-up in the lane' };
  }
}
