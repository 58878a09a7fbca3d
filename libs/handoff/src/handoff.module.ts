import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BotkitModule } from '@agent-bridge/botkit';
import { EventsModule } from '@agent-bridge/events';
import { ConversationRepository } from './conversations/conversation.repository';
import { MessageIntakeRepository } from './conversations/message-intake.repository';
import { ConversationRouter } from './conversations/conversation-router.service';
import { DeskEventsService } from './conversations/desk-events.service';
import { DeskEvents } from './desk-port/desk-events';
import { DeskSessions } from './desk-port/desk-sessions';
import { DeskStateStore } from './desk-port/desk-state.store';
import { DeskSessionsService } from './desks/desk-sessions.service';
import { DeskStateRepository } from './desks/desk-state.repository';
import { ProviderRegistry } from './desks/provider-registry.service';
import { HandoffEventsService } from './conversations/handoff-events.service';
import { HandoffService } from './conversations/handoff.service';
import { EscalationRulesService } from './escalation/escalation-rules.service';
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
import { BotVariablesService } from './variables/bot-variables.service';

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
    { provide: DeskEvents, useExisting: DeskEventsService },
    { provide: DeskSessions, useExisting: DeskSessionsService },
    { provide: DeskStateStore, useExisting: DeskStateRepository },
    ConversationRouter,
    RelayService,
    DeliveryService,
    SessionTimersService,
    EscalationRulesService,
    HistoryLinkService,
    BotVariablesService,
    ProviderRegistry,
  ],
  exports: [
    EventsModule,
    DeskEvents,
    DeskSessions,
    DeskStateStore,
    ConversationRouter,
    ConversationRepository,
    TranscriptRepository,
    HandoffService,
    HandoffEventsService,
    HistoryLinkService,
    BotVariablesService,
  ],
})
export class HandoffModule {}

@Module({
  imports: [HandoffModule, BotkitModule],
  controllers: [HistoryController],
})
export class HandoffHttpModule {}

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
  ],
})
export class HandoffWorkerModule {}
