import { createParamDecorator, HttpException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Agent } from '../agents/agent.repository';
import { AgentAuthService } from '../auth/agent-auth.service';

const AGENT = Symbol('agentBridge.consoleAgent');

/** Any signed-in console account, checked as ConsoleAdminGuard checks admins (the account as stored now). */
@Injectable()
export class ConsoleAgentGuard implements CanActivate {
  constructor(private readonly auth: AgentAuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    const agent = typeof header === 'string' && /^Bearer\s+\S/i.test(header) ? await this.auth.authenticate(header) : null;
    if (!agent) throw new HttpException('Sign in to the console first', 401);
    (request as unknown as Record<symbol, Agent>)[AGENT] = agent;
    return true;
  }
}

export const SignedInAgent = createParamDecorator((_data: unknown, context: ExecutionContext): Agent => {
  return (context.switchToHttp().getRequest<FastifyRequest>() as unknown as Record<symbol, Agent>)[AGENT]!;
});
