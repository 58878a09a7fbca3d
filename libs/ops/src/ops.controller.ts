import { Controller, Get, Header, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { registry } from '@agent-bridge/observability';
import { MetricsTokenAllowed, OpsAuthGuard } from './ops-auth.guard';
import { renderOpsPage } from './ops-page';
import { OpsStatsService, type OpsSummary } from './ops-stats.service';

@Controller()
@UseGuards(OpsAuthGuard)
export class OpsController {
  constructor(private readonly stats: OpsStatsService) {}

  @Get('metrics')
  @MetricsTokenAllowed()
  async metrics(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    await this.stats.refreshGauges();
    void reply.header('content-type', registry.contentType);
    return registry.metrics();
  }

  @Get('ops/api/summary')
  summary(): Promise<OpsSummary> {
    return this.stats.summary();
  }

  @Get('ops')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
  async page(): Promise<string> {
    return renderOpsPage(await this.stats.summary());
  }
}
