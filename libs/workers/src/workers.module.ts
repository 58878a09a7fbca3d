import { Module } from '@nestjs/common';
import { ConsoleWorkerModule } from '@agent-bridge/console';
import { EventsWorkerModule } from '@agent-bridge/events';
import { HandoffWorkerModule } from '@agent-bridge/handoff';
import { QueueWorkersModule } from '@agent-bridge/queue';
import { WebhookJobsModule } from '@agent-bridge/webhooks';
import { LanesModule } from './lanes.module';

/** Run by the bridge by default, or by apps/worker alone. */
@Module({
  imports: [QueueWorkersModule, LanesModule, EventsWorkerModule, HandoffWorkerModule, WebhookJobsModule, ConsoleWorkerModule],
})
export class WorkersModule {}
