import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS, RedisKeys } from '@agent-bridge/persistence';
import { JobHandler, JOBS, type JobHandlerFor } from '@agent-bridge/queue';
import { TimerReconcilerService, type ReconcileResult } from '../timers/timer-reconciler.service';

/** Longer than a reconcile of the largest deployment takes; a crashed holder frees it by expiry. */
const LOCK_MS = 5 * 60_000;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** The scheduled run and one queued at once may overlap: one at a time does the work. */
@Injectable()
@JobHandler(JOBS.reconcileTimers)
export class ReconcileTimersHandler implements JobHandlerFor<typeof JOBS.reconcileTimers> {
  constructor(
    private readonly reconciler: TimerReconcilerService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async handle(): Promise<ReconcileResult | { skipped: string }> {
    const lock = this.keys.key('timers', 'reconcile-lock');
    const token = randomUUID();
    if ((await this.redis.set(lock, token, 'PX', LOCK_MS, 'NX')) !== 'OK') return { skipped: 'another reconcile is running' };
    try {
      return await this.reconciler.run();
    } finally {
      await this.redis.eval(RELEASE, 1, lock, token);
    }
  }
}
