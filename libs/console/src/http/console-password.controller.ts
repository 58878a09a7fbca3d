import { Body, Controller, HttpCode, HttpException, Logger, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AdminInput } from '../admin/admin-input';
import { AgentRepository } from '../agents/agent.repository';
import { hashInviteToken } from '../auth/invite-token';
import { hashPassword } from '../auth/password';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const INVALID = 'This link is not valid any more: it was used, replaced or has expired. Ask an admin for a new one.';

/** The one-time set-password links admins hand out (invites and resets); the token is the only credential. */
@Controller('console/api/set-password')
export class ConsolePasswordController {
  private readonly logger = new Logger(ConsolePasswordController.name);

  constructor(private readonly agents: AgentRepository) {}

  /** Whom the link is for, so the page can say so before a password is typed. */
  @Post('check')
  @HttpCode(200)
  async check(@Body() body: unknown): Promise<unknown> {
    const holder = await this.agents.inviteHolder(hashInviteToken(this.token(new AdminInput(body, ['token']))));
    if (!holder) throw new HttpException(INVALID, 400);
    return { email: holder.email, name: holder.name, expiresAt: holder.inviteExpiresAt };
  }

  @Post()
  @HttpCode(200)
  async set(@Body() body: unknown, @Req() request: FastifyRequest): Promise<unknown> {
    const input = new AdminInput(body, ['token', 'password']);
    const token = this.token(input);
    const password = input.password('password', request);
    // Checked first: scrypt is slow, and a dead link should not cost it.
    if (!(await this.agents.inviteHolder(hashInviteToken(token)))) throw new HttpException(INVALID, 400);
    const agent = await this.agents.redeemInvite(hashInviteToken(token), await hashPassword(password));
    if (!agent) throw new HttpException(INVALID, 400);
    this.logger.log(`agent ${agent.id} set their password with a link`);
    return { email: agent.email };
  }

  private token(input: AdminInput): string {
    return input.matching('token', TOKEN, 'the token from the link');
  }
}
