export { ConsoleModule, ConsoleWorkerModule, ConsoleCoreModule } from './console.module';
export { RedisIoAdapter } from './gateway/redis-io.adapter';
export { AgentRepository } from './agents/agent.repository';
export type { Agent, AgentRole } from './agents/agent.repository';
export { AgentAuthService } from './auth/agent-auth.service';
export { hashPassword, verifyPassword } from './auth/password';
export { ConsoleGateway } from './gateway/console.gateway';
export { PresenceService } from './presence/presence.service';
