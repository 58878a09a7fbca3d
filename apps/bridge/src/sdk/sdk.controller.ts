import { randomBytes } from 'node:crypto';
import { Body, Controller, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { BOT_LANE, MORE_PATHS, SdkError, isBotkitEvent, normalizedPaths, requestUrlsOf, toBotkitPayload, visitorKeyOf, type BotkitEventName, type InboundBody, type RequestUrls } from '@agent-bridge/botkit';
import { EventInboxService, type InboundEvent } from '@agent-bridge/events';
import { metrics } from '@agent-bridge/observability';
import { WebhookDispatcher } from '@agent-bridge/webhooks';
import { SdkAuthGuard } from './sdk-auth.guard';

/** BotKit answers these two with its wrapper object instead of the payload. */
const WRAPPER_ACK_EVENTS = new Set(['on_agent_transfer', 'on_variable_update']);
const WRAPPER_ACK = { headers: { supportsMessageAck: true } };

/**
 * An id the body parser normalised names nothing the platform knows (its callbacks would be refused
 * after our ack): refused instead, as is a body that changed too many strings to tell.
 */
const ID_PATHS = new Set(['requestId', 'channel.from', 'channel.channelInfos.from', 'context.session.UserContext._id', MORE_PATHS]);

/** Everything but on_webhook is acknowledged once durably in its lane; the work, outbound calls included, follows. */
@Controller('sdk/bots/:botId')
@UseGuards(SdkAuthGuard)
export class SdkController {
  constructor(
    private readonly inbox: EventInboxService,
    private readonly webhooks: WebhookDispatcher,
  ) {}

  @Post(':eventName')
  @HttpCode(200)
  shortRoute(
    @Param('botId') botId: string,
    @Param('eventName') eventName: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return this.handle(botId, 'default', eventName, body, reply);
  }

  @Post('components/:componentId/:eventName')
  @HttpCode(200)
  componentRoute(
    @Param('botId') botId: string,
    @Param('componentId') componentId: string,
    @Param('eventName') eventName: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return this.handle(botId, componentId, eventName, body, reply);
  }

  private async handle(botId: string, componentId: string, eventName: string, raw: unknown, reply: FastifyReply): Promise<unknown> {
    if (!isBotkitEvent(eventName)) throw SdkError.eventNotFound();
    const endTimer = metrics.webhookAck.startTimer({ event: eventName });
    try {
      return await this.accept(botId, componentId, eventName, raw, reply);
    } finally {
      endTimer();
    }
  }

  private async accept(botId: string, componentId: string, eventName: BotkitEventName, raw: unknown, reply: FastifyReply): Promise<unknown> {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw SdkError.badRequest('The body must be a JSON object');
    const body = raw as InboundBody;
    const changedId = normalizedPaths(reply.request).find((path) => ID_PATHS.has(path));
    if (changedId) throw SdkError.badRequest(`${changedId === MORE_PATHS ? 'The ids' : changedId} must not hold NUL characters or unpaired surrogates`);
    if (eventName === 'on_variable_update' && (!body.data || typeof body.data !== 'object')) {
      throw SdkError.badRequest('on_variable_update needs a "data" object');
    }
    const requestId = requestIdOf(body);
    const payload = toBotkitPayload({ eventName, requestId, botId, componentId, body });

    if (eventName === 'on_webhook') {
      const componentName = typeof body.dialogComponentName === 'string' ? body.dialogComponentName : undefined;
      const answer = await this.webhooks.dispatch({ requestId, botId, componentId, componentName, payload });
      reply.status(answer.status);
      if (answer.status === 200) reply.header('supportsMessageAck', 'true');
      return answer.body;
    }

    const visitor = visitorKeyOf(body) ?? BOT_LANE;
    // Serialized once: the lane item, the acknowledgement and the session's request context share it.
    const payloadJson = JSON.stringify(payload);
    const event: InboundEvent & { requestUrls?: RequestUrls } = { botId, componentId, eventName, requestId, visitor, receivedAt: Date.now(), payload, payloadJson };
    // Beside the payload, not in it: the acknowledgement stays BotKit's toJSON() byte for byte.
    const requestUrls = requestUrlsOf(eventName, body);
    if (requestUrls) event.requestUrls = requestUrls;
    await this.inbox.accept(event);
    reply.header('supportsMessageAck', 'true');
    if (WRAPPER_ACK_EVENTS.has(eventName)) return WRAPPER_ACK;
    // A string with a JSON content type goes out as it is (Fastify serializes only objects).
    reply.type('application/json; charset=utf-8');
    return payloadJson;
  }
}

function requestIdOf(body: InboundBody): string {
  const id = body.requestId;
  if ((typeof id === 'string' && id.length > 0 && id.length <= 200) || typeof id === 'number') return String(id);
  if (id !== undefined && id !== null && id !== '') throw SdkError.badRequest('requestId must be a string of at most 200 characters or a number');
  // As BotKit: a missing requestId gets a random one (such an event cannot be deduplicated).
  return randomBytes(16).toString('hex');
}
