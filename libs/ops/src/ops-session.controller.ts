import { Controller, Delete, ForbiddenException, HttpCode, Post, Req, Res, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OPS_SESSION_COOKIE, OpsSessionVerifier } from './ops-session.verifier';

/**
 * The console's sign-in page hands its session to the ops pages here: the token (Bearer) becomes an
 * HttpOnly cookie, so the ops pages, which have no script, are signed in as the same account.
 * SameSite=Strict: no other site's form or link carries it.
 */
@Controller('ops/api/session')
export class OpsSessionController {
  constructor(private readonly sessions: OpsSessionVerifier) {}

  @Post()
  @HttpCode(204)
  async open(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const agent = token ? await this.sessions.authenticate(token) : null;
    if (!agent || !token) throw new UnauthorizedException('Sign in to the console first');
    if (agent.role === 'agent') throw new ForbiddenException('Only supervisors and admins may open the ops pages');
    void reply.header('set-cookie', cookie(request, token));
  }

  @Delete()
  @HttpCode(204)
  close(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): void {
    void reply.header('set-cookie', cookie(request, '', 0));
  }
}

/** A session cookie (no Max-Age): the token inside expires on its own and is checked on every request. */
function cookie(request: FastifyRequest, value: string, maxAge?: number): string {
  const parts = [`${OPS_SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (maxAge !== undefined) parts.push(`Max-Age=${maxAge}`);
  if (request.protocol === 'https') parts.push('Secure');
  return parts.join('; ');
}
