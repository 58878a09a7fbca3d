import { Body, Controller, Headers, HttpCode, HttpException, Inject, Logger, Param, Post, Req, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { CatchUpGate, LaneInboxService } from '@agent-bridge/events';
import { sameSecret } from '@agent-bridge/http';
import { DeskSessions } from '@agent-bridge/desk-port';
import { acceptCatchUp, acceptEntry, CHATWOOT, laneEntryOf } from './chatwoot-lane';
import { keepRawBodies, rawBodyOf, validSignature } from './chatwoot-signature';

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
  /** Webhooks refused while a store was away: a catch-up in every open conversation's lane before the next is accepted. */
  private readonly gate = new CatchUpGate(
    async () => (await this.sessions.open(CHATWOOT)).flatMap((c) => (c.providerRef ? [c.providerRef] : [])),
    (ref, now, cause) => acceptCatchUp(this.lanes, ref, now, cause),
    (count, cause) => this.logger.log(`catch-up queued in the lanes of ${count} open Chatwoot conversation(s) (${cause})`),
  );

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
    return this.gate.queueAll('start');
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
    await this.gate.accept(() => acceptEntry(this.lanes, entry));
    return { ok: true };
  }
}
