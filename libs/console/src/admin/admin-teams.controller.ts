import { Body, Controller, Get, HttpException, Param, Patch, Post, Put, UseGuards } from '@nestjs/common';
import { DeskTeams, type Team, type TeamChange, type TeamInput } from '@agent-bridge/desk-port';
import { AgentTeamsRepository } from '../teams/agent-teams.repository';
import { TeamsBroadcast } from '../teams/teams-broadcast.service';
import { AdminInput, conflict, notFound, UUID } from './admin-input';
import { ConsoleAdminGuard } from './console-admin.guard';

const DESK_NAME = /^[a-z][a-z0-9-]{0,39}$/;
const MAX_MEMBERS = 500;

function teamId(raw: string): string {
  if (!UUID.test(raw)) throw notFound('team');
  return raw.toLowerCase();
}

function fail(failure: TeamChange): HttpException {
  switch (failure) {
    case 'not_found':
      return notFound('team');
    case 'name_taken':
      return conflict('A team with this name exists already');
    case 'bad_fallback':
      return new HttpException('"fallbackTeamId" must name another existing team', 400);
  }
}

/** Desk name -> the desk's own group id for the team; numbers (LiveChat's group ids) are kept as text. */
function deskGroups(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpException('"deskGroups" must be an object of desk name to group id', 400);
  const out: Record<string, string> = {};
  for (const [desk, group] of Object.entries(value)) {
    if (!DESK_NAME.test(desk)) throw new HttpException('"deskGroups" keys must be desk names (lower-case letters, digits, "-")', 400);
    if (group === null || group === '') continue;
    if (typeof group === 'number' && Number.isSafeInteger(group) && group >= 0) out[desk] = String(group);
    else if (typeof group === 'string' && /^[A-Za-z0-9_.:-]{1,100}$/.test(group.trim())) out[desk] = group.trim();
    else throw new HttpException(`"deskGroups.${desk}" must be a group id (a number, or up to 100 letters, digits, "-", "_", ".", ":")`, 400);
  }
  return out;
}

function readTeam(input: AdminInput, creating: boolean): Partial<TeamInput> {
  const change: Partial<TeamInput> = {};
  if (creating || input.has('name')) change.name = input.text('name', 100);
  if (input.has('active')) change.active = input.boolean('active');
  if (input.has('overflowSeconds')) change.overflowSeconds = input.raw('overflowSeconds') === null ? null : input.integer('overflowSeconds', 1, 7 * 86400);
  if (input.has('fallbackTeamId')) change.fallbackTeamId = input.uuidOrNull('fallbackTeamId');
  if (input.has('deskGroups')) change.deskGroups = deskGroups(input.raw('deskGroups'));
  return change;
}

const FIELDS = ['name', 'active', 'overflowSeconds', 'fallbackTeamId', 'deskGroups', 'members'] as const;

/** Teams are the engine's (through DeskTeams); who is in them is the console's own agent_teams. */
@Controller('console/api/admin/teams')
@UseGuards(ConsoleAdminGuard)
export class AdminTeamsController {
  constructor(
    private readonly teams: DeskTeams,
    private readonly memberships: AgentTeamsRepository,
    private readonly broadcast: TeamsBroadcast,
  ) {}

  @Get()
  async list(): Promise<unknown> {
    const [teams, memberships] = await Promise.all([this.teams.list(), this.memberships.all()]);
    const members = (id: string): string[] => [...memberships].filter(([, ids]) => ids.has(id)).map(([agentId]) => agentId);
    return { items: teams.map((t) => view(t, members(t.id))) };
  }

  @Post()
  async create(@Body() body: unknown): Promise<unknown> {
    const input = new AdminInput(body, FIELDS);
    const team = await this.teams.create(readTeam(input, true) as TeamInput);
    if (typeof team === 'string') throw fail(team);
    const members = input.has('members') ? await this.setMembers(team.id, input.uuids('members', MAX_MEMBERS)) : [];
    await this.broadcast.changed('team created');
    return { item: view(team, members) };
  }

  @Patch(':id')
  async update(@Param('id') rawId: string, @Body() body: unknown): Promise<unknown> {
    const id = teamId(rawId);
    const input = new AdminInput(body, FIELDS);
    const change = readTeam(input, false);
    if (Object.keys(change).length === 0 && !input.has('members')) throw new HttpException(`Nothing to change: give ${FIELDS.join(', ')}`, 400);
    const team = await this.teams.update(id, change);
    if (typeof team === 'string') throw fail(team);
    const members = input.has('members') ? await this.setMembers(id, input.uuids('members', MAX_MEMBERS)) : await this.memberships.members(id);
    await this.broadcast.changed('team changed');
    return { item: view(team, members) };
  }

  @Put(':id/members')
  async members(@Param('id') rawId: string, @Body() body: unknown): Promise<unknown> {
    const id = teamId(rawId);
    const input = new AdminInput(body, ['agentIds']);
    const agentIds = input.uuids('agentIds', MAX_MEMBERS);
    const team = await this.teams.byId(id);
    if (!team) throw notFound('team');
    const members = await this.setMembers(id, agentIds);
    await this.broadcast.changed('team members changed');
    return { item: view(team, members) };
  }

  private async setMembers(id: string, agentIds: string[]): Promise<string[]> {
    if (!(await this.memberships.setMembers(id, agentIds))) throw new HttpException('"members" must name existing agents', 400);
    return agentIds;
  }
}

function view(t: Team, members: string[]) {
  return {
    id: t.id,
    name: t.name,
    active: t.active,
    overflowSeconds: t.overflowSeconds,
    fallbackTeamId: t.fallbackTeamId,
    deskGroups: t.deskGroups,
    members,
    createdAt: t.createdAt.toISOString(),
  };
}
