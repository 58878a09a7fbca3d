import { Controller, Get, HttpCode, HttpException, Param, Post, Query, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { OfflineInbox, type OfflineConversation } from '@agent-bridge/desk-port';
import type { Agent } from '../agents/agent.repository';
import { ConsoleAgentGuard, SignedInAgent } from './console-agent.guard';

/**
 * Messages users left while their team was closed. An agent sees their teams' (agent_teams, the
 * console's); supervisors and admins see every team's.
 */
@Controller('console/api/offline')
@UseGuards(ConsoleAgentGuard)
export class OfflineController {
  constructor(
    private readonly inbox: OfflineInbox,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  @Get()
  async list(@SignedInAgent() agent: Agent, @Query('handled') handled?: string): Promise<{ items: unknown[] }> {
    if (handled !== undefined && handled !== 'true' && handled !== 'false') throw new HttpException('"handled" must be true or false', 400);
    const items = await this.inbox.list(await this.teamsOf(agent), { handled: handled === 'true' });
    return { items: items.map(view) };
  }

  /** Idempotent: marking it again keeps who marked it first. */
  @Post(':id/handled')
  @HttpCode(200)
  async handled(@SignedInAgent() agent: Agent, @Param('id') id: string): Promise<{ item: unknown }> {
    const item = await this.inbox.markHandled(id, agent.name, await this.teamsOf(agent));
    if (!item) throw new HttpException('No such offline conversation', 404);
    return { item: view(item) };
  }

  private async teamsOf(agent: Agent): Promise<string[] | null> {
    if (agent.role !== 'agent') return null;
    const rows: Array<{ team_id: string }> = await this.db.query(`SELECT team_id FROM agent_teams WHERE agent_id = $1`, [agent.id]);
    return rows.map((r) => r.team_id);
  }
}

const view = (c: OfflineConversation): unknown => ({
  id: c.id,
  botId: c.botId,
  visitorKey: c.visitorKey,
  userName: c.userName,
  teamId: c.teamId,
  teamName: c.teamName,
  leftAt: c.leftAt.toISOString(),
  closedAt: c.closedAt?.toISOString() ?? null,
  messages: c.messages.map((m) => ({ text: m.text, at: m.at.toISOString() })),
  handledAt: c.handledAt?.toISOString() ?? null,
  handledBy: c.handledBy,
});
