import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, HttpException, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DeskReports, ReportQueryError, type Report, type ReportQuery } from '@agent-bridge/desk-port';
import { AgentRepository } from '../agents/agent.repository';
import { reportCsv } from './report-csv';
import { ConsoleSupervisorGuard } from '../supervision/console-supervisor.guard';

const PARAMS = ['from', 'to', 'tz', 'team', 'agent'];

/** `?from=YYYY-MM-DD&to=YYYY-MM-DD&tz=Area/City[&team=<id>][&agent=<id>]`; anything else is a 400. */
function reportQuery(raw: Record<string, unknown>): ReportQuery {
  const unknown = Object.keys(raw).find((key) => !PARAMS.includes(key));
  if (unknown !== undefined) throw new HttpException(`Unknown parameter "${unknown.slice(0, 40)}"`, 400);
  const one = (name: string, required: boolean): string | null => {
    const value = raw[name];
    if (value === undefined || value === '') {
      if (required) throw new HttpException(`"${name}" is required`, 400);
      return null;
    }
    if (typeof value !== 'string') throw new HttpException(`"${name}" must be given once`, 400);
    return value;
  };
  return { from: one('from', true)!, to: one('to', true)!, timeZone: one('tz', true)!, teamId: one('team', false), agentId: one('agent', false) };
}

@Controller()
export class ReportsController {
  /** Read once: the page's charts, from the kept library, under the page's own origin (CSP 'self'). */
  private chartJs: Buffer | null = null;

  constructor(
    private readonly reports: DeskReports,
    private readonly agents: AgentRepository,
  ) {}

  @Get('console/api/reports')
  @UseGuards(ConsoleSupervisorGuard)
  async report(@Query() query: Record<string, unknown>): Promise<Report> {
    return this.run(query);
  }

  /** The filters' choices: every team, every console account (deactivated ones keep their history). */
  @Get('console/api/reports/options')
  @UseGuards(ConsoleSupervisorGuard)
  async options(): Promise<unknown> {
    const [teams, agents] = await Promise.all([this.reports.teams(), this.agents.list()]);
    return { teams, agents: agents.map((a) => ({ id: a.id, name: a.name, active: !a.disabled })) };
  }

  @Get('console/api/reports/csv')
  @UseGuards(ConsoleSupervisorGuard)
  async csv(@Query() query: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    const report = await this.run(query);
    await reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="agent-bridge-report-${report.from}-to-${report.to}.csv"`)
      .header('cache-control', 'no-store')
      .send(reportCsv(report));
  }

  @Get('console/vendor/chart.umd.min.js')
  chart(@Res() reply: FastifyReply): void {
    this.chartJs ??= readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'));
    void reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .header('x-content-type-options', 'nosniff')
      .send(this.chartJs);
  }

  private async run(raw: Record<string, unknown>): Promise<Report> {
    try {
      return await this.reports.report(reportQuery(raw));
    } catch (error) {
      if (error instanceof ReportQueryError) throw new HttpException(error.message, 400);
      throw error;
    }
  }
}
