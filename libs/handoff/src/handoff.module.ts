import { Module } from '@nestjs/common';
import { BotkitModule } from '@agent-bridge/botkit';
import { EventsModule } from '@agent-bridge/events';
import { ConversationRepository } from './conversations/conversation.repository';
import { MessageIntakeRepository } from './conversations/message-intake.repository';
import { ConversationRouter } from './conversations/conversation-router.service';
import { DeskEventsService } from './conversations/desk-events.service';
import { HandoffEventsService } from './conversations/handoff-events.service';
import { HandoffService } from './conversations/handoff.service';
import { EscalationRulesService } from './escalation/escalation-rules.service';
import { HistoryController } from './history/history.controller';
import { HistoryLinkService } from './history/history-link.service';
import { DeliverToAgentHandler, DeliverToUserHandler } from './jobs/delivery.handlers';
import { ClearAgentSessionHandler, CloseProviderChatHandler, EndSessionHandler } from './jobs/session-lifecycle.handlers';
import { InactivityHandler, KeepaliveHandler, QueueTimeoutHandler } from './jobs/session-timer.handlers';
import { ReconcileTimersHandler } from './jobs/reconcile-timers.handler';
import { ConsoleEmitter } from './providers/console/console-emitter.service';
import { ConsoleProvider } from './providers/console/console.provider';
import { HANDOFF_PROVIDERS } from './providers/handoff-provider';
import { LiveChatApiClient } from './providers/livechat/livechat-api.client';
import { LiveChatInboundService } from './providers/livechat/livechat-inbound.service';
import { LiveChatTokensService } from './providers/livechat/livechat-tokens.service';
import { LiveChatWebhookController } from './providers/livechat/livechat-webhook.controller';
import { LiveChatCatchUpHandler, LiveChatLaneHandler, LiveChatWebhookHandler } from './providers/livechat/livechat.handlers';
import { LiveChatProvider } from './providers/livechat/livechat.provider';
import { LiveChatV2PollHandler } from './providers/livechat-v2/livechat-v2-poll.handler';
import { LiveChatV2Provider } from './providers/livechat-v2/livechat-v2.provider';
import { ProviderStateRepository } from './providers/shared/provider-state.repository';
import { LoopbackController } from './providers/loopback/loopback.controller';
import { LoopbackDeskService } from './providers/loopback/loopback-desk.service';
import { LoopbackProvider } from './providers/loopback/loopback.provider';
import { ProviderRegistry } from './providers/provider-registry.service';
import { DeliveryService } from './relay/delivery.service';
import { RelayService } from './relay/relay.service';
import { TranscriptRepository } from './relay/transcript.repository';
import { OutboxReconciler } from './timers/outbox-reconciler';
import { SessionTimersService } from './timers/session-timers.service';
import { TimerReconcileSchedule } from './timers/timer-reconcile.schedule';
import { TimerReconcilerService } from './timers/timer-reconciler.service';
import { BotVariablesService } from './variables/bot-variables.service';

/** The hand-off engine: sessions, relay, timers and the providers behind one interface. */
@Module({
  imports: [BotkitModule, EventsModule],
  providers: [
    ConversationRepository,
    MessageIntakeRepository,
    TranscriptRepository,
    HandoffService,
    HandoffEventsService,
    DeskEventsService,
    ConversationRouter,
    RelayService,
    DeliveryService,
    SessionTimersService,
    EscalationRulesService,
    HistoryLinkService,
    BotVariablesService,
    ProviderRegistry,
    LoopbackDeskService,
    LoopbackProvider,
    ProviderStateRepository,
    LiveChatApiClient,
    LiveChatTokensService,
    LiveChatProvider,
    LiveChatInboundService,
    // Lanes are drained in every process, bridges included (see libs/workers LanesModule).
    LiveChatLaneHandler,
    LiveChatV2Provider,
    ConsoleEmitter,
    ConsoleProvider,
    {
      provide: HANDOFF_PROVIDERS,
      inject: [LoopbackProvider, LiveChatProvider, LiveChatV2Provider, ConsoleProvider],
      useFactory: (...providers: unknown[]) => providers,
    },
  ],
  exports: [
    EventsModule,
    ConversationRouter,
    ConversationRepository,
    TranscriptRepository,
    HandoffService,
    DeliveryService,
    SessionTimersService,
    ProviderRegistry,
    DeskEventsService,
    HandoffEventsService,
    HistoryLinkService,
    LoopbackDeskService,
    BotVariablesService,
    ProviderStateRepository,
    LiveChatProvider,
    LiveChatV2Provider,
    LiveChatApiClient,
    LiveChatInboundService,
    ConsoleEmitter,
    ConsoleProvider,
    RelayService,
  ],
})
export class HandoffModule {}

/** HTTP side: the history page and the loopback desk's agent routes. */
@Module({
  imports: [HandoffModule, BotkitModule],
  controllers: [HistoryController, LoopbackController, LiveChatWebhookController],
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
    LiveChatWebhookHandler,
    LiveChatCatchUpHandler,
    LiveChatV2PollHandler,
  ],
})
export class HandoffWorkerModule {}
