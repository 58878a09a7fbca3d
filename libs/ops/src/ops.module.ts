import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BullBoardModule } from '@bull-board/nestjs';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { AgentAuthService, ConsoleDeskModule } from '@agent-bridge/console';
import { EventsModule } from '@agent-bridge/events';
import { HandoffModule } from '@agent-bridge/handoff';
import { QUEUES } from '@agent-bridge/queue';
import { DeadLettersController } from './dead-letters.controller';
import { HealthController } from './health.controller';
import { OpsAuthService } from './ops-auth.service';
import { OpsController } from './ops.controller';
import { OpsSessionController } from './ops-session.controller';
import { OpsSessionVerifier } from './ops-session.verifier';
import { OpsStatsService } from './ops-stats.service';
import { QUEUE_DASHBOARD_PATH, QueueDashboardPolicy } from './queue-dashboard.policy';

/** The one place ops meets the console's sign-in: its session check, behind OpsSessionVerifier. */
@Module({
  imports: [ConsoleDeskModule],
  providers: [OpsAuthService, { provide: OpsSessionVerifier, useExisting: AgentAuthService }],
  exports: [OpsAuthService, OpsSessionVerifier],
})
export class OpsAuthModule {}

/**
 * Its routes are Fastify's own: the bridge's onRequest hook (createBridgeApp) puts them behind the
 * ops sign-in, and QueueDashboardPolicy limits what they may change.
 */
const QueueDashboard = BullBoardModule.forRoot({
  route: QUEUE_DASHBOARD_PATH,
  adapter: FastifyAdapter,
  boardOptions: { uiConfig: { boardTitle: 'agent-bridge queues' } },
});

@Module({
  imports: [
    TerminusModule,
    ConsoleDeskModule,
    EventsModule,
    HandoffModule,
    OpsAuthModule,
    QueueDashboard,
    BullBoardModule.forFeature(...Object.values(QUEUES).map((name) => ({ name, adapter: BullMQAdapter }))),
  ],
  controllers: [HealthController, OpsController, DeadLettersController, OpsSessionController],
  providers: [OpsStatsService, QueueDashboardPolicy],
})
export class OpsModule {}
