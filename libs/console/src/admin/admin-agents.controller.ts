import { Body, Controller, Get, HttpCode, HttpException, Param, Patch, Post, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { normalizedPaths } from '@agent-bridge/botkit';
import type { Agent, AgentAccount, AgentRole } from '../agents/agent.repository';
import { AgentRepository } from '../agents/agent.repository';
import { AdminInput, conflict, notFound, UUID } from './admin-input';
import { AgentAdminService, type AdminFailure } from './agent-admin.service';
import { ConsoleAdminGuard, SignedInAdmin } from './console-admin.guard';

const ROLES: readonly AgentRole[] = ['agent', 'supervisor', 'admin'];
const EMAIL = /^[^@\s]{1,200}@[^@\s]{1,119}$/;

/** What an admin sees of an account: no password hash, no link secret. */
function view(a: AgentAccount) {
  return {
    id: a.id,
    email: a.email,
    name: a.name,
    role: a.role,
    maxChats: a.maxChats,
    active: !a.disabled,
    invitePending: a.invitePending,
    inviteExpiresAt: a.inviteExpiresAt,
    createdAt: a.createdAt,
  };
}

function fail(failure: AdminFailure): HttpException {
  switch (failure) {
    case 'not_found':
      return notFound('agent');
    case 'email_taken':
      return conflict('An agent with this email exists already');
    case 'last_admin':
      return conflict('This is the last active admin: make another agent admin first');
    case 'deactivated':
      return conflict('The agent is deactivated: reactivate them first');
  }
}

function agentId(raw: string): string {
  if (!UUID.test(raw)) throw notFound('agent');
  return raw;
}

@Controller('console/api/admin/agents')
@UseGuards(ConsoleAdminGuard)
export class AdminAgentsController {
  constructor(
    private readonly agents: AgentRepository,
    private readonly admin: AgentAdminService,
  ) {}

  @Get()
  async list(): Promise<unknown> {
    return { items: (await this.agents.accounts()).map(view) };
  }

  @Post()
  async create(@SignedInAdmin() me: Agent, @Body() body: unknown, @Req() request: FastifyRequest): Promise<unknown> {
    const input = new AdminInput(body, ['email', 'name', 'role', 'maxChats', 'password']);
    // An email the body parser altered would not be the one typed.
    if (normalizedPaths(request).includes('email')) throw new HttpException('"email" must not hold NUL characters or unpaired surrogates', 400);
    const email = input.matching('email', EMAIL, 'an email address');
    const name = input.text('name', 100);
    const role = input.oneOf('role', ROLES);
    const maxChats = input.has('maxChats') ? input.integer('maxChats', 1, 50) : 3;
    const password = input.has('password') ? input.password('password', request) : undefined;
    const created = await this.admin.create(me, { email, name, role, maxChats, password });
    if (typeof created === 'string') throw fail(created);
    return { agent: view(created.agent), invite: created.invite };
  }

  @Patch(':id')
  async update(@SignedInAdmin() me: Agent, @Param('id') id: string, @Body() body: unknown): Promise<unknown> {
    const input = new AdminInput(body, ['name', 'role', 'maxChats']);
    const change = {
      name: input.optionalText('name', 100),
      role: input.has('role') ? input.oneOf('role', ROLES) : undefined,
      maxChats: input.has('maxChats') ? input.integer('maxChats', 1, 50) : undefined,
    };
    if (Object.values(change).every((v) => v === undefined)) throw new HttpException('Nothing to change: give name, role or maxChats', 400);
    const agent = await this.admin.update(me, agentId(id), change);
    if (typeof agent === 'string') throw fail(agent);
    return { agent: view(agent) };
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  async deactivate(@SignedInAdmin() me: Agent, @Param('id') id: string): Promise<unknown> {
    const done = await this.admin.deactivate(me, agentId(id));
    if (typeof done === 'string') throw fail(done);
    return { agent: view(done.agent), requeued: done.requeued };
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  async reactivate(@SignedInAdmin() me: Agent, @Param('id') id: string): Promise<unknown> {
    const agent = await this.admin.reactivate(me, agentId(id));
    if (typeof agent === 'string') throw fail(agent);
    return { agent: view(agent) };
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  async resetPassword(@SignedInAdmin() me: Agent, @Param('id') id: string): Promise<unknown> {
    const done = await this.admin.resetPassword(me, agentId(id));
    if (typeof done === 'string') throw fail(done);
    return { agent: view(done.agent), invite: done.invite };
  }
}
