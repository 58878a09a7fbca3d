import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BotkitModule } from '@agent-bridge/botkit';
import { EventsModule } from '@agent-bridge/events';
import { ConversationRepository } from './conversations/conversation.repository';
import { MessageIntakeRepository } from './conversations/message-intake.repository';
import { ConversationRouter } from './conversations/conversation-router.service';
import { DeskEventsService } from './conversations/desk-events.service';
import { DeskSessionsService } from './desks/desk-sessions.service';
import { DeskStateRepository } from './desks/desk-state.repository';
import { DeskReportsService } from './reports/desk-reports.service';
import { ProviderRegistry } from './desks/provider-registry.service';
import { HandoffEventsService } from './conversations/handoff-events.service';
import { HandoffService } from './conversations/handoff.service';
import { CsatReconciler } from './csat/csat-reconciler';
import { CsatRepository } from './csat/csat.repository';
import { CsatService } from './csat/csat.service';
import { EscalationRulesService } from './escalation/escalation-rules.service';
import { AfterHoursRepository } from './hours/after-hours.repository';
import { AfterHoursService } from './hours/after-hours.service';
import { OfflineInboxService } from './hours/offline-inbox.service';
import { TeamHoursService } from './hours/team-hours.service';
import { HistoryController } from './history/history.controller';
import { HistoryLinkService } from './history/history-link.service';
import { DeliverToAgentHandler, DeliverToUserHandler } from './jobs/delivery.handlers';
import { ClearAgentSessionHandler, CloseProviderChatHandler, EndSessionHandler } from './jobs/session-lifecycle.handlers';
import { InactivityHandler, KeepaliveHandler, QueueTimeoutHandler } from './jobs/session-timer.handlers';
import { ReconcileTimersHandler } from './jobs/reconcile-timers.handler';
import { DeliveryService } from './relay/delivery.service';
import { RelayService } from './relay/relay.service';
import { TranscriptRepository } from './relay/transcript.repository';
import { OutboxReconciler } from './timers/outbox-reconciler';
import { SessionTimersService } from './timers/session-timers.service';
import { TimerReconcileSchedule } from './timers/timer-reconcile.schedule';
import { TimerReconcilerService } from './timers/timer-reconciler.service';
import { BotSettingsAdminService } from './settings/bot-settings-admin.service';
import { BotSettingsRepository } from './settings/bot-settings.repository';
import { BotSettingsService } from './settings/bot-settings.service';
import { BotVariablesService } from './variables/bot-variables.service';
import { DeskTeamsService } from './teams/desk-teams.service';
import { OverflowReconciler } from './teams/overflow-reconciler';
import { TeamOverflowService } from './teams/team-overflow.service';
import { TeamRouter } from './teams/team-router.service';
import { TeamRepository } from './teams/team.repository';
import { TeamOverflowHandler } from './jobs/team-overflow.handler';
import { ReportRollupHandler } from './jobs/report-rollup.handler';
import { ReportRollupSchedule, ReportRollupService } from './reports/report-rollup.service';
import { DeskTeamChangedHandler } from './jobs/desk-team-changed.handler';

/**
 * The hand-off engine: sessions, intake, relay and its outbox, timers, escalation, history links.
 * Desks plug in through the desk port (desk-port/DeskPortModule) and are found at boot by ProviderRegistry.
 */
@Module({
  imports: [BotkitModule, EventsModule, DiscoveryModule],
  providers: [
    ConversationRepository,
    MessageIntakeRepository,
    TranscriptRepository,
    HandoffService,
    HandoffEventsService,
    DeskEventsService,
    DeskSessionsService,
    DeskStateRepository,
    DeskReportsService,
    ConversationRouter,
    RelayService,
    DeliveryService,
    SessionTimersService,
    EscalationRulesService,
    HistoryLinkService,
    BotVariablesService,
    ProviderRegistry,
    AfterHoursRepository,
    AfterHoursService,
    TeamHoursService,
    OfflineInboxService,
    TeamRepository,
    TeamRouter,
    TeamOverflowService,
    DeskTeamsService,
    BotSettingsRepository,
    BotSettingsService,
    BotSettingsAdminService,
    CsatService,
    ReportRollupService,
    CsatRepository,
    CsatReconciler,
    OverflowReconciler,
  ],
  // The engine's own modules (HTTP, worker, desk port) and the apps use these; desks see only the port.
  exports: [
    EventsModule,
    DeskEventsService,
    DeskSessionsService,
    DeskStateRepository,
    DeskReportsService,
    ReportRollupService,
    ConversationRouter,
    ConversationRepository,
    TranscriptRepository,
    HandoffService,
    HandoffEventsService,
    HistoryLinkService,
    BotVariablesService,
    DeliveryService,
    RelayService,
    SessionTimersService,
    ProviderRegistry,
    TeamHoursService,
    OfflineInboxService,
    TeamRouter,
    DeskTeamsService,
    BotSettingsService,
    BotSettingsAdminService,
    // For TimerReconcilerService (worker side).
    OverflowReconciler,
    CsatReconciler,
  ],
})
export class HandoffModule {}

/** HTTP side: the history page. */
@Module({
  imports: [HandoffModule, BotkitModule],
  controllers: [HistoryController],
})
export class HandoffHttpModule {}

/** Worker side: session timers (and their reconcile from Postgres), lifecycle and delivery jobs. */
@Module({
  imports: [HandoffModule, BotkitModule],
  providers: [
    KeepaliveHandler,
    InactivityHandler,
    QueueTimeoutHandler,
    ReconcileTimersHandler,
    TimerReconcilerService,
    OutboxReconciler,
    TimerReconcileSchedule,
    EndSessionHandler,
    CloseProviderChatHandler,
    ClearAgentSessionHandler,
    DeliverToUserHandler,
    DeliverToAgentHandler,
    TeamOverflowHandler,
    ReportRollupHandler,
    ReportRollupSchedule,
    DeskTeamChangedHandler,
  ],
})
export class HandoffWorkerModule {}
