import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { ConfigModule, type AppConfig } from '@agent-bridge/config';
import { ConsoleModule } from '@agent-bridge/console';
import { OpsModule } from '@agent-bridge/ops';
import { HandoffHttpModule } from '@agent-bridge/handoff';
import { DatabaseModule, RedisModule } from '@agent-bridge/persistence';
import { DesksModule } from '@agent-bridge/providers';
import { QueueModule } from '@agent-bridge/queue';
import type { WebhookHandler } from '@agent-bridge/webhooks';
import { LanesModule, WorkersModule } from '@agent-bridge/workers';
import { SdkModule } from './sdk/sdk.module';

export interface BridgeOptions {
  /** Webhook-node handlers; the default serves the BookTheCab example. */
  webhookHandlers?: Array<Type<WebhookHandler>>;
}

@Module({})
export class BridgeModule {
  static forRoot(config: AppConfig, options: BridgeOptions = {}): DynamicModule {
    const sdk = SdkModule.forRoot(options.webhookHandlers);
    return {
      module: BridgeModule,
      imports: [
        ConfigModule.forRoot(config),
        RedisModule,
        DatabaseModule.forRoot(),
        QueueModule,
        sdk,
        HandoffHttpModule,
        DesksModule.forRoot(config),
        ConsoleModule,
        OpsModule,
        // BotKit's apiPrefix; the SDK auth guard is on the controller, so it applies under any prefix.
        RouterModule.register([{ path: config.kore.apiPrefix || '/', module: SdkModule }]),
        // Lanes are drained here whatever RUN_WORKERS says: a bridge relays without any worker.
        LanesModule,
        // RUN_WORKERS=false leaves the BullMQ jobs (timers, delivery retries) to apps/worker.
        ...(config.workers.enabled ? [WorkersModule] : []),
      ],
    };
  }
}
