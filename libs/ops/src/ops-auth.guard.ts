import { HttpException, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
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
    if (await this.auth.check(request.headers, { metricsToken })) return true;
    const refusal = this.auth.refusal(request);
    void context.switchToHttp().getResponse<FastifyReply>().headers(refusal.headers);
    throw new HttpException(refusal.msg, refusal.status);
  }
}
