import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';
import { withTimeout } from '@agent-bridge/config';
import { REDIS } from '@agent-bridge/persistence';

/** Each dependency answers within this, or counts as down: a probe that hangs helps no orchestrator. */
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

  /** The process is up. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * What this instance needs to accept events durably and relay them: Postgres and Redis. Not a
   * worker: a bridge relays inline without one, and a missing worker is an ops alert and a metric
   * (ab_queue_workers), not a reason for a load balancer to drop every bridge at once. 503 with the
   * same body (which one is down) when any is not: Terminus throws it as an exception, which the
   * global filter would turn into a bare 500 like any unexpected error.
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
