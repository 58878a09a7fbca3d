import { Injectable, SetMetadata, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OpsAuthService } from './ops-auth.service';

const METRICS_TOKEN_ALLOWED = 'ops:metrics-token-allowed';

/** The route may also be read with METRICS_TOKEN (a Prometheus scraper), not only by ops staff. */
export const MetricsTokenAllowed = (): MethodDecorator => SetMetadata(METRICS_TOKEN_ALLOWED, true);

@Injectable()
export class OpsAuthGuard implements CanActivate {
  constructor(
    private readonly auth: OpsAuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const metricsToken = this.reflector.get<boolean | undefined>(METRICS_TOKEN_ALLOWED, context.getHandler()) === true;
    if (await this.auth.check(request.headers.authorization, { metricsToken })) return true;
    void context.switchToHttp().getResponse<FastifyReply>().header('www-authenticate', 'Basic realm="agent-bridge ops", charset="UTF-8"');
    throw new UnauthorizedException('Sign in as a console admin or supervisor');
  }
}
