import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { BotkitModule } from '@agent-bridge/botkit';
import { EventsModule } from '@agent-bridge/events';
import { WebhooksModule, type WebhookHandler } from '@agent-bridge/webhooks';
import { SdkAuthGuard } from './sdk-auth.guard';
import { SdkController } from './sdk.controller';

@Module({})
export class SdkModule {
  static forRoot(webhookHandlers?: Array<Type<WebhookHandler>>): DynamicModule {
    return {
      module: SdkModule,
      imports: [BotkitModule, EventsModule, WebhooksModule.forRoot(webhookHandlers)],
      controllers: [SdkController],
      providers: [SdkAuthGuard],
    };
  }
}
