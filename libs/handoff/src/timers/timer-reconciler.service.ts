import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { REDIS } from '@agent-bridge/persistence';
import { QUEUES, type SessionJob } from '@agent-bridge/queue';
import { ConversationRepository, type OpenCursor, type TimerBasis } from '../conversations/conversation.repository';
import { CsatReconciler } from '../csat/csat-reconciler';
import { OverflowReconciler } from '../teams/overflow-reconciler';
import { OutboxReconciler } from './outbox-reconciler';
import { SessionTimersService, timerKeys, type LostTimer } from './session-timers.service';
import { MISSING, TIMER_PROBE } from './timer-probe.script';
import { timerMetrics } from './timer-reconcile.metrics';

const PAGE = 1000;
const PROBE_CHUNK = 250;

export interface ReconcileResult {
  sessions: number;
  keepalive: number;
  inactivity: number;
  queueTimeout: number;
  drains: number;
  /** Team overflow jobs of waiting chats. */
  overflow: number;
  /** Answer windows of rating questions. */
  csat: number;
}

/**
 * For a Redis that lost its data (a restart without persistence, a failover to a lagging replica):
 * Postgres's rows give every timer's deadline. What still exists is left alone.
 */
@Injectable()
export class TimerReconcilerService {
  private readonly logger = new Logger(TimerReconcilerService.name);

  constructor(
    private readonly conversations: ConversationRepository,
    private readonly timers: SessionTimersService,
    private readonly outbox: OutboxReconciler,
    private readonly overflow: OverflowReconciler,
    private readonly csat: CsatReconciler,
    @InjectQueue(QUEUES.sessions) private readonly queue: Queue<SessionJob>,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(): Promise<ReconcileResult> {
    const result: ReconcileResult = { sessions: 0, keepalive: 0, inactivity: 0, queueTimeout: 0, drains: 0, overflow: 0, csat: 0 };
    for (const state of ['queued', 'assigned'] as const) {
      let cursor: OpenCursor | null = null;
      do {
        const page: { rows: TimerBasis[]; next: OpenCursor | null } = await this.conversations.openPage(state, cursor, PAGE);
        result.sessions += page.rows.length;
        const restored = await this.reconcilePage(page.rows);
        result.keepalive += restored.keepalive;
        result.inactivity += restored.inactivity;
        result.queueTimeout += restored.queueTimeout;
        cursor = page.next;
      } while (cursor);
    }
    result.drains = await this.outbox.run();
    result.overflow = await this.overflow.run();
    result.csat = await this.csat.run();
    timerMetrics.restored.inc({ timer: 'team_overflow' }, result.overflow);
    timerMetrics.restored.inc({ timer: 'csat_window' }, result.csat);
    const restored = result.keepalive + result.inactivity + result.queueTimeout + result.drains + result.overflow + result.csat;
    if (restored > 0) {
      this.logger.warn(`restored ${result.keepalive} keep-alive, ${result.inactivity} inactivity, ${result.queueTimeout} queue-timeout, `
        + `${result.overflow} team-overflow timer(s), ${result.csat} CSAT answer window(s) `
        + `and ${result.drains} drain(s) missing from Redis (${result.sessions} open session(s) checked)`);
    }
    return result;
  }

  private async reconcilePage(rows: TimerBasis[]): Promise<Pick<ReconcileResult, 'keepalive' | 'inactivity' | 'queueTimeout'>> {
    if (rows.length === 0) return { keepalive: 0, inactivity: 0, queueTimeout: 0 };
    const args = rows.flatMap((row) => [row.id, row.state === 'queued' ? '1' : '0']);
    const idPrefixes = [timerKeys.keepalive(''), timerKeys.inactivity(''), timerKeys.queueTimeout('')];
    const missing: number[] = [];
    // A script blocks Redis while it runs: a chunk per call, not a whole page.
    for (let i = 0; i < args.length; i += PROBE_CHUNK * 2) {
      const chunk = args.slice(i, i + PROBE_CHUNK * 2);
      missing.push(...((await this.redis.eval(TIMER_PROBE, 1, this.queue.keys.repeat, this.queue.toKey(''), ...idPrefixes, ...chunk)) as number[]));
    }
    const now = Date.now();
    const { keepaliveIntervalSeconds, inactivityTimeoutSeconds, queueTimeoutSeconds } = this.config.handoff;
    const keepalives: string[] = [];
    const lost: LostTimer[] = [];
    const finished: string[] = [];
    rows.forEach((row, i) => {
      const flags = missing[i]!;
      if (flags & MISSING.keepalive) keepalives.push(row.id);
      if (flags & MISSING.inactivity) {
        lost.push({ kind: 'inactivity', conversationId: row.id, delayMs: Math.max(0, row.lastActivityAt.getTime() + inactivityTimeoutSeconds * 1000 - now) });
      }
      if (flags & (MISSING.queueTimeout | MISSING.queueTimeoutFinished)) {
        if (flags & MISSING.queueTimeoutFinished) finished.push(timerKeys.queueTimeout(row.id));
        lost.push({ kind: 'queue-timeout', conversationId: row.id, delayMs: Math.max(0, (row.queuedAt ?? row.openedAt).getTime() + queueTimeoutSeconds * 1000 - now) });
      }
    });
    await this.timers.removeFinished(finished);
    const every = keepaliveIntervalSeconds * 1000;
    await Promise.all([
      this.timers.restoreJobs(lost),
      ...keepalives.map((id) => this.timers.restoreKeepalive(id, Math.floor(Math.random() * every))),
    ]);
    const counts = {
      keepalive: keepalives.length,
      inactivity: lost.filter((t) => t.kind === 'inactivity').length,
      queueTimeout: lost.filter((t) => t.kind === 'queue-timeout').length,
    };
    timerMetrics.restored.inc({ timer: 'keepalive' }, counts.keepalive);
    timerMetrics.restored.inc({ timer: 'inactivity' }, counts.inactivity);
    timerMetrics.restored.inc({ timer: 'queue_timeout' }, counts.queueTimeout);
    return counts;
  }
}
