import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BullBoardModule } from '@bull-board/nestjs';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { ConsoleDeskModule } from '@agent-bridge/console';
import { EventsModule } from '@agent-bridge/events';
import { QUEUES } from '@agent-bridge/queue';
import { DeadLettersController } from './dead-letters.controller';
import { HealthController } from './health.controller';
import { OpsAuthService } from './ops-auth.service';
import { OpsController } from './ops.controller';
import { OpsStatsService } from './ops-stats.service';
import { QUEUE_DASHBOARD_PATH, QueueDashboardPolicy } from './queue-dashboard.policy';

@Module({
  imports: [ConsoleDeskModule],
  providers: [OpsAuthService],
  exports: [OpsAuthService],
})
export class OpsAuthModule {}

/**
 * bull-board's pages (with retry and clean of failed jobs). Its routes are Fastify's own, under
 * the path below: the bridge's onRequest hook (createBridgeApp) puts every one of them behind the
 * ops sign-in, and QueueDashboardPolicy limits what they may change.
 */
const QueueDashboard = BullBoardModule.forRoot({
  route: QUEUE_DASHBOARD_PATH,
  adapter: FastifyAdapter,
  boardOptions: { uiConfig: { boardTitle: 'agent-bridge queues' } },
});

/** Ops: health probes, /metrics, the ops page, dead letters and the queue dashboard. */
@Module({
  imports: [
    TerminusModule,
    ConsoleDeskModule,
    EventsModule,
    OpsAuthModule,
    QueueDashboard,
    BullBoardModule.forFeature(...Object.values(QUEUES).map((name) => ({ name, adapter: BullMQAdapter }))),
  ],
  controllers: [HealthController, OpsController, DeadLettersController],
  providers: [OpsStatsService, QueueDashboardPolicy],
})
export class OpsModule {}
