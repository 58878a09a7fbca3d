import { Body, Controller, HttpCode, HttpException, Inject, Logger, Post, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { LaneInboxService } from '@agent-bridge/events';
import { sameSecret } from '@agent-bridge/http';
import { JOB_OPTIONS, JOBS, QUEUES, jobId, type LiveChatWebhookJob } from '@agent-bridge/queue';
import { acceptCatchUp, LIVECHAT_LANE, webhookKey } from './livechat-lane';
import { LIVECHAT } from './livechat-tokens.service';
import { DeskSessions } from '@agent-bridge/desk-port';

/** Catch-ups appended at once at start: one Redis write per batch, however many chats are open. */
const CATCH_UP_BATCH = 500;

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
  /** When this process began refusing webhooks (a store away), until a catch-up is queued after it. */
  private refusedSince: number | null = null;
  private catchingUp: Promise<void> | null = null;

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
    return this.queueCatchUps('start');
  }

  private async queueCatchUps(cause: string): Promise<void> {
    const chats = (await this.conversations.open(LIVECHAT)).flatMap((c) => (c.providerRef ? [c.providerRef] : []));
    const now = Date.now();
    for (let i = 0; i < chats.length; i += CATCH_UP_BATCH) {
      await Promise.all(chats.slice(i, i + CATCH_UP_BATCH).map((chatId) => acceptCatchUp(this.lanes, chatId, now, cause)));
    }
    if (chats.length) this.logger.log(`catch-up queued in the lanes of ${chats.length} open LiveChat chat(s) (${cause})`);
  }

  /**
   * A webhook this process refused (a store was away) comes back whenever LiveChat retries it,
   * maybe after newer ones: before accepting anything again, each open chat gets a catch-up, as
   * at start. Concurrent webhooks wait for the same one.
   */
  private catchUpAfterRefusal(): Promise<void> {
    const since = this.refusedSince;
    this.catchingUp ??= this.queueCatchUps(`refused.${since}`)
      .then(() => {
        if (this.refusedSince === since) this.refusedSince = null;
      })
      .finally(() => {
        this.catchingUp = null;
      });
    return this.catchingUp;
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
    try {
      if (this.refusedSince !== null) await this.catchUpAfterRefusal();
      await this.store(body.action, body.payload as Record<string, unknown>);
    } catch (error) {
      this.refusedSince ??= Date.now();
      throw error;
    }
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
