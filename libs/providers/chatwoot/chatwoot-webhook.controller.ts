import { Body, Controller, Headers, HttpCode, HttpException, Inject, Logger, Param, Post, Req, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { LaneInboxService } from '@agent-bridge/events';
import { sameSecret } from '@agent-bridge/http';
import { DeskSessions } from '@agent-bridge/desk-port';
import { acceptCatchUp, acceptEntry, CHATWOOT, laneEntryOf } from './chatwoot-lane';
import { keepRawBodies, rawBodyOf, validSignature } from './chatwoot-signature';

/** Catch-ups appended at once at start: one Redis write per batch, however many conversations are open. */
const CATCH_UP_BATCH = 500;

/**
 * `POST {PUBLIC_URL}/webhooks/chatwoot/<CHATWOOT_WEBHOOK_SECRET>`, the account webhook `npm run
 * chatwoot:setup` registers. The path's secret is compared in constant time, and with
 * CHATWOOT_WEBHOOK_SIGNING_SECRET set so is Chatwoot's signature (a mismatch of either is a 401
 * and nothing is processed). What this desk acts on goes to the conversation's lane (durable,
 * deduplicated, ordered, drained right away by this process when free); Chatwoot gets its 200
 * once Redis has it.
 */
@Controller('webhooks/chatwoot')
export class ChatwootWebhookController implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(ChatwootWebhookController.name);
  /** When this process began refusing webhooks (a store away), until a catch-up is queued after it. */
  private refusedSince: number | null = null;
  private catchingUp: Promise<void> | null = null;

  constructor(
    private readonly lanes: LaneInboxService,
    private readonly sessions: DeskSessions,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Signatures are over the raw body: keep it for this route, where there is HTTP (not in the worker). */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as Parameters<typeof keepRawBodies>[0] | undefined;
    if (this.config.chatwoot.signingSecret && typeof fastify?.addHook === 'function') keepRawBodies(fastify);
  }

  /**
   * Before this process listens (Nest runs this hook first): each open conversation's lane gets a
   * catch-up for the webhooks lost while no instance was up, ahead of every webhook accepted after
   * it, so a newer reply never overtakes one missed during the gap.
   */
  onApplicationBootstrap(): Promise<void> {
    return this.queueCatchUps('start');
  }

  private async queueCatchUps(cause: string): Promise<void> {
    const refs = (await this.sessions.open(CHATWOOT)).flatMap((c) => (c.providerRef ? [c.providerRef] : []));
    const now = Date.now();
    for (let i = 0; i < refs.length; i += CATCH_UP_BATCH) {
      await Promise.all(refs.slice(i, i + CATCH_UP_BATCH).map((ref) => acceptCatchUp(this.lanes, ref, now, cause)));
    }
    if (refs.length) this.logger.log(`catch-up queued in the lanes of ${refs.length} open Chatwoot conversation(s) (${cause})`);
  }

  /**
   * A webhook this process refused (a store was away) may never come back (Chatwoot does not retry
   * account webhooks) or come back after newer ones: before accepting anything again, each open
   * conversation gets a catch-up, as at start. Concurrent webhooks wait for the same one.
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

  @Post(':secret')
  @HttpCode(200)
  async receive(
    @Param('secret') secret: string,
    @Body() body: unknown,
    @Headers('x-chatwoot-timestamp') timestamp: unknown,
    @Headers('x-chatwoot-signature') signature: unknown,
    @Req() request: object,
  ): Promise<{ ok: true }> {
    const { webhookSecret, signingSecret, inboxId } = this.config.chatwoot;
    if (!webhookSecret || !sameSecret(secret, webhookSecret)) throw new HttpException('Invalid webhook secret', 401);
    if (signingSecret && !validSignature(signingSecret, timestamp, signature, rawBodyOf(request))) throw new HttpException('Invalid webhook signature', 401);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpException('A Chatwoot webhook is a JSON object', 400);
    const entry = laneEntryOf(body as Record<string, unknown>, inboxId);
    if (!entry) return { ok: true };
    try {
      if (this.refusedSince !== null) await this.catchUpAfterRefusal();
      await acceptEntry(this.lanes, entry);
    } catch (error) {
      this.refusedSince ??= Date.now();
      throw error;
    }
    return { ok: true };
  }
}
