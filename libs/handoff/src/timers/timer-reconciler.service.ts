import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { REDIS } from '@agent-bridge/persistence';
import { QUEUES, type SessionJob } from '@agent-bridge/queue';
import { ConversationRepository, type OpenCursor, type TimerBasis } from '../conversations/conversation.repository';
import { OutboxReconciler } from './outbox-reconciler';
import { values } from './pipeline-values';
import { SessionTimersService, timerKeys, type LostTimer } from './session-timers.service';
import { timerMetrics } from './timer-reconcile.metrics';

/** Sessions read per page, and checked per Redis round trip. */
const PAGE = 1000;

export interface ReconcileResult {
  sessions: number;
  keepalive: number;
  inactivity: number;
  queueTimeout: number;
  drains: number;
}

/**
 * Puts back, from Postgres, the timers a Redis that lost its data (a restart without persistence, a
 * failover to a lagging replica) no longer holds: every open session's keep-alive, inactivity and
 * (queued) queue-timeout, at the deadlines its rows give, and a drain for every outbox with pending
 * messages. What still exists is left alone; it reads sessions in keyset pages and checks each page
 * in two pipelined round trips.
 */
@Injectable()
export class TimerReconcilerService {
  private readonly logger = new Logger(TimerReconcilerService.name);

  constructor(
    private readonly conversations: ConversationRepository,
    private readonly timers: SessionTimersService,
    private readonly outbox: OutboxReconciler,
    @InjectQueue(QUEUES.sessions) private readonly queue: Queue<SessionJob>,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(): Promise<ReconcileResult> {
    const result: ReconcileResult = { sessions: 0, keepalive: 0, inactivity: 0, queueTimeout: 0, drains: 0 };
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
    const restored = result.keepalive + result.inactivity + result.queueTimeout + result.drains;
    if (restored > 0) {
      this.logger.warn(`restored ${result.keepalive} keep-alive, ${result.inactivity} inactivity, ${result.queueTimeout} queue-timeout timer(s) `
        + `and ${result.drains} drain(s) missing from Redis (${result.sessions} open session(s) checked)`);
    }
    return result;
  }

  private async reconcilePage(rows: TimerBasis[]): Promise<Omit<ReconcileResult, 'sessions' | 'drains'>> {
    const { keys } = this.queue;
    // First round trip: each session's scheduler slot, inactivity deduplication key and queue-timeout job.
    const first = this.redis.pipeline();
    for (const row of rows) {
      first.zscore(keys.repeat, timerKeys.keepalive(row.id));
      first.get(`${keys.de}:${timerKeys.inactivity(row.id)}`);
      if (row.state === 'queued') first.hmget(this.queue.toKey(timerKeys.queueTimeout(row.id)), 'timestamp', 'finishedOn');
    }
    const firstReplies = values(await first.exec());
    // Second: do the jobs those point at still exist (a partial loss keeps one without the other)?
    const second = this.redis.pipeline();
    const probes: Array<{ row: TimerBasis; keepaliveJob: boolean; inactivityJob: boolean; queueTimeout: 'ok' | 'missing' | 'finished' | 'n/a' }> = [];
    let at = 0;
    for (const row of rows) {
      const next = firstReplies[at++] as string | null;
      const inactivityJobId = firstReplies[at++] as string | null;
      let queueTimeout: 'ok' | 'missing' | 'finished' | 'n/a' = 'n/a';
      if (row.state === 'queued') {
        const [timestamp, finishedOn] = firstReplies[at++] as Array<string | null>;
        queueTimeout = !timestamp ? 'missing' : finishedOn ? 'finished' : 'ok';
      }
      if (next) second.exists(this.queue.toKey(`repeat:${timerKeys.keepalive(row.id)}:${next}`));
      if (inactivityJobId) second.exists(this.queue.toKey(inactivityJobId));
      probes.push({ row, keepaliveJob: Boolean(next), inactivityJob: Boolean(inactivityJobId), queueTimeout });
    }
    const secondReplies = values(await second.exec());
    at = 0;
    const now = Date.now();
    const { keepaliveIntervalSeconds, inactivityTimeoutSeconds, queueTimeoutSeconds } = this.config.handoff;
    const keepalives: string[] = [];
    const lost: LostTimer[] = [];
    const finished: string[] = [];
    for (const probe of probes) {
      const { row } = probe;
      if (!(probe.keepaliveJob && secondReplies[at++] === 1)) keepalives.push(row.id);
      if (!(probe.inactivityJob && secondReplies[at++] === 1)) {
        lost.push({ kind: 'inactivity', conversationId: row.id, delayMs: Math.max(0, row.lastActivityAt.getTime() + inactivityTimeoutSeconds * 1000 - now) });
      }
      if (probe.queueTimeout === 'missing' || probe.queueTimeout === 'finished') {
        if (probe.queueTimeout === 'finished') finished.push(timerKeys.queueTimeout(row.id));
        lost.push({ kind: 'queue-timeout', conversationId: row.id, delayMs: Math.max(0, (row.queuedAt ?? row.openedAt).getTime() + queueTimeoutSeconds * 1000 - now) });
      }
    }
    await this.timers.removeFinished(finished);
    await this.timers.restoreJobs(lost);
    const every = keepaliveIntervalSeconds * 1000;
    await Promise.all(keepalives.map((id) => this.timers.restoreKeepalive(id, Math.floor(Math.random() * every))));
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
