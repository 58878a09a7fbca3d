export { WebhooksModule, WebhookJobsModule, DEFAULT_WEBHOOK_HANDLERS } from './webhooks.module';
export { WebhookDispatcher } from './webhook-dispatcher.service';
export type { WebhookAnswer } from './webhook-dispatcher.service';
export { AsyncResponse, WebhookComponent } from './webhook-handler';
export type { WebhookHandler, WebhookRequest } from './webhook-handler';
export { EXAMPLE_BOOKING_DELAY_MS } from './example/example-cab-booking.handler';
