import { HttpException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AgentAuthService } from '../auth/agent-auth.service';

/** Supervisors and admins, by the console token, against the account as stored now (as ConsoleAdminGuard). */
@Injectable()
export class ConsoleReportsGuard implements CanActivate {
  constructor(private readonly auth: AgentAuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const agent = typeof header === 'string' && /^Bearer\s+\S/i.test(header) ? await this.auth.authenticate(header) : null;
    if (!agent) throw new HttpException('Sign in to the console first', 401);
    if (agent.role !== 'admin' && agent.role !== 'supervisor') throw new HttpException('Only supervisors and admins may see reports', 403);
    return true;
  }
}
