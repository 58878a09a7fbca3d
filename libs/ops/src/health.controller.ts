import { Controller, Get, Inject } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { REDIS } from '@agent-bridge/persistence';
import { QUEUES } from '@agent-bridge/queue';

/**
 * Unauthenticated on purpose: load balancers and orchestrators probe these. They reveal only
 * up/down per dependency.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectQueue(QUEUES.events) private readonly events: Queue,
  ) {}

  /** The process is up. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Postgres, Redis, and at least one worker consuming events somewhere in the deployment. */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.db.pingCheck('postgres', { timeout: 2000 }),
      async () => {
        const indicator = this.indicators.check('redis');
        try {
          return (await this.redis.ping()) === 'PONG' ? indicator.up() : indicator.down();
        } catch {
          return indicator.down();
        }
      },
      async () => {
        const indicator = this.indicators.check('workers');
        const count = await this.events.getWorkersCount().catch(() => 0);
        return count > 0 ? indicator.up({ count }) : indicator.down({ count });
      },
    ]);
  }
}
