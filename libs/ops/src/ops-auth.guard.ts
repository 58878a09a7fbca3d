import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OpsAuthService } from './ops-auth.service';

@Injectable()
export class OpsAuthGuard implements CanActivate {
  constructor(private readonly auth: OpsAuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (await this.auth.check(request.headers.authorization)) return true;
    void context.switchToHttp().getResponse<FastifyReply>().header('www-authenticate', 'Basic realm="agent-bridge ops", charset="UTF-8"');
    throw new UnauthorizedException('Sign in as a console admin or supervisor');
  }
}
