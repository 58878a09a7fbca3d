import { createParamDecorator, HttpException, Injectable, mixin, type CanActivate, type ExecutionContext, type Type } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Agent } from '../agents/agent.repository';
import { AgentAuthService } from './agent-auth.service';

const ACCOUNT = Symbol('agentBridge.consoleAccount');

/**
 * A guard for the console's REST routes: the token (`Authorization: Bearer`) is checked by the same
 * service as sign-in and the socket, against the account as stored now, so a deactivated or demoted
 * account is refused at once. `allowed` says which accounts may pass; the others get 403 `refusal`.
 */
export function consoleRoleGuard(allowed: (agent: Agent) => boolean, refusal: string): Type<CanActivate> {
  @Injectable()
  class ConsoleRoleGuard implements CanActivate {
    constructor(private readonly auth: AgentAuthService) {}

    async canActivate(context: ExecutionContext): Promise<boolean> {
      const request = context.switchToHttp().getRequest<FastifyRequest>();
      const header = request.headers.authorization;
      const agent = typeof header === 'string' && /^Bearer\s+\S/i.test(header) ? await this.auth.authenticate(header) : null;
      if (!agent) throw new HttpException('Sign in to the console first', 401);
      if (!allowed(agent)) throw new HttpException(refusal, 403);
      (request as unknown as Record<symbol, Agent>)[ACCOUNT] = agent;
      return true;
    }
  }
  return mixin(ConsoleRoleGuard);
}

/** The account a console role guard let through. */
export const SignedInAccount = createParamDecorator((_data: unknown, context: ExecutionContext): Agent => {
  return (context.switchToHttp().getRequest<FastifyRequest>() as unknown as Record<symbol, Agent>)[ACCOUNT]!;
});
