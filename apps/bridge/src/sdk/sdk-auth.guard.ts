import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { BotCredentialsService, SdkError, verifyJwt } from '@agent-bridge/botkit';
import { sameSecret } from '@agent-bridge/http';

/**
 * BotKit's APIKeyMiddleware, fixed: on every SDK route whatever the prefix, any bot id shape, a required
 * unexpired `exp`, and the plain `apikey` header only when KORE_ALLOW_APIKEY is on.
 */
@Injectable()
export class SdkAuthGuard implements CanActivate {
  constructor(
    private readonly credentials: BotCredentialsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { botId: string } }>>();
    const creds = this.credentials.forBot(request.params.botId);
    if (!creds) throw SdkError.unauthorized();
    const token = header(request, 'token');
    if (token !== undefined) {
      try {
        const claims = verifyJwt(token, creds.clientSecret, { algorithm: creds.jwtAlgorithm });
        if (claims.appId === creds.clientId) return true;
      } catch {
        // Every failure answers the same 401: the caller learns nothing about which check failed.
      }
      throw SdkError.unauthorized();
    }
    const apiKey = header(request, 'apikey');
    if (apiKey !== undefined && this.config.kore.allowApiKey && sameSecret(apiKey, creds.clientSecret)) return true;
    throw SdkError.unauthorized();
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
