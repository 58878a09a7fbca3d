import { Body, Controller, HttpCode, HttpException, Inject, Logger, Post, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { CatchUpGate, LaneInboxService } from '@agent-bridge/events';
import { sameSecret } from '@agent-bridge/http';
import { JOB_OPTIONS, JOBS, QUEUES, jobId, type LiveChatWebhookJob } from '@agent-bridge/queue';
import { acceptCatchUp, LIVECHAT_LANE, webhookKey } from './livechat-lane';
import { LIVECHAT } from './livechat-tokens.service';
import { DeskSessions } from '@agent-bridge/desk-port';

interface Envelope {
  webhook_id?: unknown;
  secret_key?: unknown;
  action?: unknown;
  organization_id?: unknown;
  payload?: unknown;
}

/**
 * `POST {PUBLIC_URL}/webhooks/livechat`, what users register in LiveChat. The secret in the body is
 * compared in constant time (a mismatch is a 401 and nothing is processed). A chat's events go to
 * its lane (durable, ordered, drained right away by this process when free); the rest are queued
 * as jobs. Either way LiveChat gets its 200 at once and retries nothing it need not.
 */
@Controller('webhooks/livechat')
export class LiveChatWebhookController implements OnApplicationBootstrap {
  private readonly logger = new Logger(LiveChatWebhookController.name);
  /** Webhooks refused while a store was away: a catch-up in every open chat's lane before the next is accepted. */
  private readonly gate = new CatchUpGate(
    async () => (await this.conversations.open(LIVECHAT)).flatMap((c) => (c.providerRef ? [c.providerRef] : [])),
    (ref, now, cause) => acceptCatchUp(this.lanes, ref, now, cause),
    (count, cause) => this.logger.log(`catch-up queued in the lanes of ${count} open LiveChat chat(s) (${cause})`),
  );

  constructor(
    @InjectQueue(QUEUES.livechat) private readonly queue: Queue<LiveChatWebhookJob>,
    private readonly lanes: LaneInboxService,
    private readonly conversations: DeskSessions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Before this process listens (Nest runs this hook first): each open chat's lane gets a catch-up
   * for the webhooks that failed while no instance was up. It runs ahead of every webhook accepted
   * after it, so a newer message never overtakes one missed during the gap.
   */
  onApplicationBootstrap(): Promise<void> {
    return this.gate.queueAll('start');
  }

  @Post()
  @HttpCode(200)
  async receive(@Body() body: Envelope): Promise<{ ok: true }> {
    const expected = this.config.livechat.webhookSecret;
    if (!expected || typeof body?.secret_key !== 'string' || !sameSecret(body.secret_key, expected)) {
      throw new HttpException('Invalid webhook secret key', 401);
    }
    if (typeof body.action !== 'string' || !body.payload || typeof body.payload !== 'object') {
      throw new HttpException('A LiveChat webhook needs an action and a payload', 400);
    }
    const { action, payload } = body;
    await this.gate.accept(() => this.store(action, payload as Record<string, unknown>));
    return { ok: true };
  }

  private async store(action: string, payload: Record<string, unknown>): Promise<void> {
    const key = webhookKey(action, payload);
    const job: LiveChatWebhookJob = { action, payload, receivedAt: Date.now() };
    if (action === 'incoming_event' && key && typeof payload.chat_id === 'string') {
      await this.lanes.accept(LIVECHAT_LANE, payload.chat_id, `lc.${key}`, JSON.stringify(job), job);
      return;
    }
    await this.queue.add(
      JOBS.livechatWebhook,
      job,
      {
        ...JOB_OPTIONS[JOBS.livechatWebhook],
        // A deactivation waits briefly: the agent's last message may still be on its way.
        delay: action === 'chat_deactivated' ? this.config.livechat.closeGraceMs : 0,
        ...(key ? { jobId: jobId('lc', key) } : {}),
      },
    );
  }
}
