import { Module } from '@nestjs/common';
import { DeskPortModule } from '@agent-bridge/desk-port';
import { InstanceRegistryModule } from '@agent-bridge/persistence';
import { AdminAgentsController } from './admin/admin-agents.controller';
import { AdminBotsController } from './admin/admin-bots.controller';
import { AdminCannedController } from './admin/admin-canned.controller';
import { AdminDispositionsController } from './admin/admin-dispositions.controller';
import { AdminHoursController } from './admin/admin-hours.controller';
import { AgentAdminService } from './admin/agent-admin.service';
import { ConsoleAdminGuard } from './admin/console-admin.guard';
import { AgentRepository } from './agents/agent.repository';
import { AgentAuthService } from './auth/agent-auth.service';
import { ConsoleActionsService } from './gateway/console-actions.service';
import { ConsoleContextService } from './gateway/console-context.service';
import { ConsoleGateway } from './gateway/console.gateway';
import { ConsoleAuthController } from './http/console-auth.controller';
import { ConsoleStaticController } from './http/console-static.controller';
import { ConsolePasswordController } from './http/console-password.controller';
import { CannedResponseRepository } from './canned/canned-response.repository';
import { DispositionRepository } from './dispositions/disposition.repository';
import { ConsoleEmitter } from './desk/console-emitter.service';
import { ConsoleProvider } from './desk/console.provider';
import { ConsoleAgentGraceHandler, ConsoleRouteHandler } from './jobs/console.handlers';
import { ConsoleAgentGuard } from './offline/console-agent.guard';
import { OfflineController } from './offline/offline.controller';
import { AgentGraceService } from './presence/agent-grace.service';
import { PresenceReaper } from './presence/presence-reaper.service';
import { PresenceService } from './presence/presence.service';
import { ConsoleQueueService } from './routing/console-queue.service';
import { AgentTeamsRepository } from './teams/agent-teams.repository';
import { OfflineBroadcast } from './offline/offline-broadcast.service';
import { TeamsBroadcast } from './teams/teams-broadcast.service';
import { AdminTeamsController } from './admin/admin-teams.controller';
import { AdminRoutingController } from './admin/admin-routing.controller';
import { BoardService } from './supervision/board.service';
import { SupervisorActionsService } from './supervision/supervisor-actions.service';
import { SupervisorController } from './supervision/supervisor.controller';
import { ConsoleSupervisorGuard } from './supervision/console-supervisor.guard';
import { ReportsController } from './reports/reports.controller';

/** In every process, so either side reaps the presence of crashed instances. */
@Module({
  imports: [DeskPortModule, InstanceRegistryModule],
  providers: [ConsoleProvider, ConsoleEmitter, AgentRepository, AgentAuthService, PresenceService, AgentGraceService, PresenceReaper, ConsoleQueueService, AgentTeamsRepository, BoardService, OfflineBroadcast],
  exports: [DeskPortModule, ConsoleProvider, ConsoleEmitter, AgentRepository, AgentAuthService, PresenceService, AgentGraceService, ConsoleQueueService, AgentTeamsRepository, BoardService],
})
export class ConsoleDeskModule {}

@Module({
  imports: [ConsoleDeskModule],
  controllers: [ConsoleAuthController, ConsoleStaticController, ConsolePasswordController, AdminAgentsController, AdminCannedController, AdminDispositionsController, AdminTeamsController, AdminRoutingController,
    AdminHoursController, OfflineController, AdminBotsController, SupervisorController, ReportsController],
  providers: [ConsoleGateway, ConsoleActionsService, ConsoleContextService, ConsoleAdminGuard, ConsoleAgentGuard, ConsoleSupervisorGuard, SupervisorActionsService, AgentAdminService, CannedResponseRepository, DispositionRepository, TeamsBroadcast],
})
export class ConsoleModule {}

@Module({
  imports: [ConsoleDeskModule],
  providers: [ConsoleRouteHandler, ConsoleAgentGraceHandler],
})
export class ConsoleWorkerModule {}
