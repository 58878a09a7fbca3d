import { SetMetadata } from '@nestjs/common';
import type { BotkitPayload } from '@agent-bridge/botkit';

export const WEBHOOK_COMPONENT = Symbol('WEBHOOK_COMPONENT');

/** Returned by a handler that answers later through respondToHook (BotKit's `sdk.AsyncResponse`). */
export class AsyncResponse {
  constructor(readonly message = 'AsyncResponse') {}
}

export interface WebhookRequest {
  requestId: string;
  botId: string;
  componentId: string;
  /** `dialogComponentName` of the Webhook node. */
  componentName: string | undefined;
  /** A copy of the OnHookPayload: change `context` and return it for a synchronous answer. */
  payload: BotkitPayload;
}

/**
 * The extension point for on_webhook: a Nest provider marked @WebhookComponent('NodeName') with a
 * `handle` method. Return the (changed) payload to answer 200 at once, or `new AsyncResponse()` to
 * answer 202 and complete later with BotkitClient.respondToHook (the payload is saved for you).
 */
export interface WebhookHandler {
  handle(request: WebhookRequest): Promise<BotkitPayload | AsyncResponse>;
}

/** Names the Webhook node(s), by dialogComponentName or componentId, that a handler serves. */
export const WebhookComponent = (...names: string[]): ClassDecorator => SetMetadata(WEBHOOK_COMPONENT, names);
