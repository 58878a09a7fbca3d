import { createParamDecorator, HttpException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Agent } from '../agents/agent.repository';
import { AgentAuthService } from '../auth/agent-auth.service';
import { isSupervisor } from './supervisor-actions.service';

const SUPERVISOR = Symbol('agentBridge.consoleSupervisor');

/** As ConsoleAdminGuard, for supervisors and admins: the console token, checked against the account as stored now. */
@Injectable()
export class ConsoleSupervisorGuard implements CanActivate {
  constructor(private readonly auth: AgentAuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    const agent = typeof header === 'string' && /^Bearer\s+\S/i.test(header) ? await this.auth.authenticate(header) : null;
    if (!agent) throw new HttpException('Sign in to the console first', 401);
    if (!isSupervisor(agent)) throw new HttpException('Only supervisors and admins may do this', 403);
    (request as unknown as Record<symbol, Agent>)[SUPERVISOR] = agent;
    return true;
  }
}

/** The signed-in supervisor or admin, set by ConsoleSupervisorGuard. */
export const SignedInSupervisor = createParamDecorator((_data: unknown, context: ExecutionContext): Agent => {
  return (context.switchToHttp().getRequest<FastifyRequest>() as unknown as Record<symbol, Agent>)[SUPERVISOR]!;
});
