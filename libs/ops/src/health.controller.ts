import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';
import { withTimeout } from '@agent-bridge/config';
import { REDIS } from '@agent-bridge/persistence';

/** A probe that hangs helps no orchestrator: past this, a dependency counts as down. */
const CHECK_TIMEOUT_MS = 2000;
/** BullMQ's connection waits for Redis forever: a check past its time is down. */
const noAnswer = (): Error => new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`);

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
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Not a worker: a bridge relays inline without one, and load balancers must not drop every bridge
   * at once for it. Terminus's 503 is returned, not thrown: the global filter would make it a bare 500.
   */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    try {
      return await this.check();
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }

  private check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.db.pingCheck('postgres', { timeout: CHECK_TIMEOUT_MS }),
      async () => {
        const indicator = this.indicators.check('redis');
        try {
          return (await withTimeout(this.redis.ping(), CHECK_TIMEOUT_MS, noAnswer)) === 'PONG' ? indicator.up() : indicator.down();
        } catch {
          return indicator.down();
        }
      },
    ]);
  }
}
