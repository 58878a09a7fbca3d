import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BotkitModule } from '@agent-bridge/botkit';
import { CompleteExampleBookingHandler } from './example/complete-example-booking.handler';
import { ExampleCabBookingHandler } from './example/example-cab-booking.handler';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import type { WebhookHandler } from './webhook-handler';

/** The Webhook-node handlers this deployment serves. Add yours here. */
export const DEFAULT_WEBHOOK_HANDLERS: Array<Type<WebhookHandler>> = [ExampleCabBookingHandler];

@Module({})
export class WebhooksModule {
  static forRoot(handlers: Array<Type<WebhookHandler>> = DEFAULT_WEBHOOK_HANDLERS): DynamicModule {
    return {
      module: WebhooksModule,
      imports: [DiscoveryModule, BotkitModule],
      providers: [WebhookDispatcher, ...handlers],
      exports: [WebhookDispatcher],
    };
  }
}

@Module({
  imports: [BotkitModule],
  providers: [CompleteExampleBookingHandler],
})
export class WebhookJobsModule {}
