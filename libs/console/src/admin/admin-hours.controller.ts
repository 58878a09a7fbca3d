import { Body, Controller, Get, HttpException, Param, Put, UseGuards } from '@nestjs/common';
import { TeamHoursSettings, type TeamHoursView } from '@agent-bridge/desk-port';
import type { Agent } from '../agents/agent.repository';
import { notFound } from './admin-input';
import { ConsoleAdminGuard, SignedInAdmin } from './console-admin.guard';

/**
 * Business hours per team. The engine checks the change and keeps it; it reads a team's hours at
 * each hand-off, so a change holds at once on every instance with nothing to invalidate.
 */
@Controller('console/api/admin')
@UseGuards(ConsoleAdminGuard)
export class AdminHoursController {
  constructor(private readonly hours: TeamHoursSettings) {}

  @Get('hours')
  async list(): Promise<{ items: TeamHoursView[] }> {
    return { items: await this.hours.list() };
  }

  @Get('teams/:id/hours')
  async get(@Param('id') id: string): Promise<{ item: TeamHoursView }> {
    const item = await this.hours.get(id);
    if (!item) throw notFound('team');
    return { item };
  }

  /** The whole of a team's hours: { timeZone, weeklyHours, holidays, closedAction }. */
  @Put('teams/:id/hours')
  async update(@Param('id') id: string, @Body() body: unknown, @SignedInAdmin() admin: Agent): Promise<{ item: TeamHoursView }> {
    const result = await this.hours.update(id, body, `agent:${admin.id}`);
    if (!result) throw notFound('team');
    if ('error' in result) throw new HttpException(result.error, 400);
    return { item: result };
  }
}
