import { Body, Controller, HttpCode, HttpException, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { normalizedPaths } from '@agent-bridge/botkit';
import { AgentAuthService } from '../auth/agent-auth.service';

@Controller('console/api')
export class ConsoleAuthController {
  constructor(private readonly auth: AgentAuthService) {}

  @Post('sign-in')
  @HttpCode(200)
  async signIn(@Body() body: { email?: unknown; password?: unknown }, @Req() request: FastifyRequest): Promise<unknown> {
    // A NUL removed from a password would sign in with another one.
    if (normalizedPaths(request).length > 0) throw new HttpException('Email and password must not hold NUL characters or unpaired surrogates', 400);
    if (typeof body?.email !== 'string' || typeof body.password !== 'string' || body.email.length > 320 || body.password.length > 1024) {
      throw new HttpException('Email and password are required', 400);
    }
    const session = await this.auth.signIn(body.email, body.password);
    if (!session) throw new HttpException('Wrong email or password', 401);
    const { agent } = session;
    return { token: session.token, expiresAt: session.expiresAt, agent: { id: agent.id, name: agent.name, email: agent.email, role: agent.role, maxChats: agent.maxChats } };
  }
}
