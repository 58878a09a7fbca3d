import { Body, Controller, Get, HttpCode, HttpException, Param, Patch, Post, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { normalizedPaths } from '@agent-bridge/botkit';
import type { Agent, AgentAccount, AgentRole } from '../agents/agent.repository';
import { AgentRepository } from '../agents/agent.repository';
import { AdminInput, conflict, notFound, UUID } from './admin-input';
import { AgentAdminService, type AdminFailure } from './agent-admin.service';
import { AgentTeamsRepository } from '../teams/agent-teams.repository';
import { TeamsBroadcast } from '../teams/teams-broadcast.service';
import { ConsoleAdminGuard, SignedInAdmin } from './console-admin.guard';

const ROLES: readonly AgentRole[] = ['agent', 'supervisor', 'admin'];
const EMAIL = /^[^@\s]{1,200}@[^@\s]{1,119}$/;

/** What an admin sees of an account: no password hash, no link secret. */
function view(a: AgentAccount, teams: string[]) {
  return {
    teams,
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
    private readonly memberships: AgentTeamsRepository,
    private readonly broadcast: TeamsBroadcast,
  ) {}

  @Get()
  async list(): Promise<unknown> {
    const [accounts, memberships] = await Promise.all([this.agents.accounts(), this.memberships.all()]);
    return { items: accounts.map((a) => view(a, [...(memberships.get(a.id) ?? [])])) };
  }

  /** The agent's teams (agent_teams), replaced as given; the queues are planned again. */
  private async setTeams(id: string, teams: string[] | undefined): Promise<string[]> {
    if (teams === undefined) return this.memberships.teamsOf(id);
    if (!(await this.memberships.setTeams(id, teams))) throw new HttpException('"teams" must name existing teams', 400);
    await this.broadcast.changed('agent teams changed');
    return teams;
  }

  @Post()
  async create(@SignedInAdmin() me: Agent, @Body() body: unknown, @Req() request: FastifyRequest): Promise<unknown> {
    const input = new AdminInput(body, ['email', 'name', 'role', 'maxChats', 'password', 'teams']);
    // An email the body parser altered would not be the one typed.
    if (normalizedPaths(request).includes('email')) throw new HttpException('"email" must not hold NUL characters or unpaired surrogates', 400);
    const email = input.matching('email', EMAIL, 'an email address');
    const name = input.text('name', 100);
    const role = input.oneOf('role', ROLES);
    const maxChats = input.has('maxChats') ? input.integer('maxChats', 1, 50) : 3;
    const password = input.has('password') ? input.password('password', request) : undefined;
    const teams = input.has('teams') ? input.uuids('teams', 100) : undefined;
    const created = await this.admin.create(me, { email, name, role, maxChats, password });
    if (typeof created === 'string') throw fail(created);
    return { agent: view(created.agent, await this.setTeams(created.agent.id, teams)), invite: created.invite };
  }

  @Patch(':id')
  async update(@SignedInAdmin() me: Agent, @Param('id') id: string, @Body() body: unknown): Promise<unknown> {
    const input = new AdminInput(body, ['name', 'role', 'maxChats', 'teams']);
    const change = {
      name: input.optionalText('name', 100),
      role: input.has('role') ? input.oneOf('role', ROLES) : undefined,
      maxChats: input.has('maxChats') ? input.integer('maxChats', 1, 50) : undefined,
    };
    const teams = input.has('teams') ? input.uuids('teams', 100) : undefined;
    const accountChange = Object.values(change).some((v) => v !== undefined);
    if (!accountChange && teams === undefined) throw new HttpException('Nothing to change: give name, role, maxChats or teams', 400);
    // Teams alone do not end the agent's sessions: their queues change in place.
    const agent = accountChange ? await this.admin.update(me, agentId(id), change) : ((await this.agents.account(agentId(id))) ?? 'not_found');
    if (typeof agent === 'string') throw fail(agent);
    return { agent: view(agent, await this.setTeams(agent.id, teams)) };
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  async deactivate(@SignedInAdmin() me: Agent, @Param('id') id: string): Promise<unknown> {
    const done = await this.admin.deactivate(me, agentId(id));
    if (typeof done === 'string') throw fail(done);
    return { agent: view(done.agent, await this.memberships.teamsOf(done.agent.id)), requeued: done.requeued };
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  async reactivate(@SignedInAdmin() me: Agent, @Param('id') id: string): Promise<unknown> {
    const agent = await this.admin.reactivate(me, agentId(id));
    if (typeof agent === 'string') throw fail(agent);
    return { agent: view(agent, await this.memberships.teamsOf(agent.id)) };
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  async resetPassword(@SignedInAdmin() me: Agent, @Param('id') id: string): Promise<unknown> {
    const done = await this.admin.resetPassword(me, agentId(id));
    if (typeof done === 'string') throw fail(done);
    return { agent: view(done.agent, await this.memberships.teamsOf(done.agent.id)), invite: done.invite };
  }
}
