import { Module } from '@nestjs/common';
import { ConsoleWorkerModule } from '@agent-bridge/console';
import { EventsWorkerModule } from '@agent-bridge/events';
import { ConversationRouter, HandoffModule, HandoffWorkerModule } from '@agent-bridge/handoff';
import { QueueWorkersModule } from '@agent-bridge/queue';
import { WebhookJobsModule } from '@agent-bridge/webhooks';

/** Every BullMQ processor and job handler: run by the bridge by default, or by apps/worker alone. */
@Module({
  imports: [
    QueueWorkersModule,
    EventsWorkerModule.forRoot({ imports: [HandoffModule], router: ConversationRouter }),
    HandoffWorkerModule,
    WebhookJobsModule,
    ConsoleWorkerModule,
  ],
})
export class WorkersModule {}
