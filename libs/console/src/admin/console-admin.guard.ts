import { createParamDecorator, HttpException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Agent } from '../agents/agent.repository';
import { AgentAuthService } from '../auth/agent-auth.service';

const ADMIN = Symbol('agentBridge.consoleAdmin');

/**
 * The console token (`Authorization: Bearer`), checked by the same service as sign-in and the
 * socket, against the account as stored now: a deactivated admin or one demoted since is refused.
 */
@Injectable()
export class ConsoleAdminGuard implements CanActivate {
  constructor(private readonly auth: AgentAuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    const agent = typeof header === 'string' && /^Bearer\s+\S/i.test(header) ? await this.auth.authenticate(header) : null;
    if (!agent) throw new HttpException('Sign in to the console first', 401);
    if (agent.role !== 'admin') throw new HttpException('Only admins may do this', 403);
    (request as unknown as Record<symbol, Agent>)[ADMIN] = agent;
    return true;
  }
}

/** The signed-in admin, set by ConsoleAdminGuard. */
export const SignedInAdmin = createParamDecorator((_data: unknown, context: ExecutionContext): Agent => {
  return (context.switchToHttp().getRequest<FastifyRequest>() as unknown as Record<symbol, Agent>)[ADMIN]!;
});
