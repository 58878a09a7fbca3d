import { Module } from '@nestjs/common';
import { HandoffModule } from '@agent-bridge/handoff';
import { InstanceRegistryModule } from '@agent-bridge/persistence';
import { AgentRepository } from './agents/agent.repository';
import { AgentAuthService } from './auth/agent-auth.service';
import { ConsoleActionsService } from './gateway/console-actions.service';
import { ConsoleGateway } from './gateway/console.gateway';
import { ConsoleAuthController } from './http/console-auth.controller';
import { ConsoleStaticController } from './http/console-static.controller';
import { ConsoleAgentGraceHandler, ConsoleRouteHandler } from './jobs/console.handlers';
import { AgentGraceService } from './presence/agent-grace.service';
import { PresenceReaper } from './presence/presence-reaper.service';
import { PresenceService } from './presence/presence.service';
import { ConsoleQueueService } from './routing/console-queue.service';

/** Shared by the HTTP side and the workers; either side reaps the presence of crashed instances. */
@Module({
  imports: [HandoffModule, InstanceRegistryModule],
  providers: [AgentRepository, AgentAuthService, PresenceService, AgentGraceService, PresenceReaper, ConsoleQueueService],
  exports: [AgentRepository, AgentAuthService, PresenceService, AgentGraceService, ConsoleQueueService],
})
export class ConsoleCoreModule {}

/** The console's page, sign-in and socket.io gateway (the bridge's HTTP side). */
@Module({
  imports: [ConsoleCoreModule, HandoffModule],
  controllers: [ConsoleAuthController, ConsoleStaticController],
  providers: [ConsoleGateway, ConsoleActionsService],
})
export class ConsoleModule {}

/** The console's jobs: routing the queue, disconnect grace periods. */
@Module({
  imports: [ConsoleCoreModule, HandoffModule],
  providers: [ConsoleRouteHandler, ConsoleAgentGraceHandler],
})
export class ConsoleWorkerModule {}
