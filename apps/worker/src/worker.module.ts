import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, type AppConfig } from '@agent-bridge/config';
import { DatabaseModule, RedisModule } from '@agent-bridge/persistence';
import { DesksModule } from '@agent-bridge/providers';
import { QueueModule } from '@agent-bridge/queue';
import { WorkersModule } from '@agent-bridge/workers';

/** The BullMQ workers alone, for scaling them out apart from the HTTP side. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WorkerModule, imports: [ConfigModule.forRoot(config), RedisModule, DatabaseModule.forRoot(), QueueModule, DesksModule.forRoot(config), WorkersModule] };
  }
}
