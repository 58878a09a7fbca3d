import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { getQueueToken } from '@nestjs/bullmq';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { PresenceService } from '@agent-bridge/console';
import { DeadLetterService, type DeadLetterView } from '@agent-bridge/events';
import { metrics } from '@agent-bridge/observability';
import { QUEUES } from '@agent-bridge/queue';

export interface OpsSummary {
  at: string;
  sessions: Array<{ provider: string; state: string; count: number }>;
  waiting: { count: number; longestSeconds: number; alert: boolean; alertAfterSeconds: number };
  agents: { available: number; away: number; offline: number };
  providers: Array<{ provider: string; calls: number; errors: number; errorRate: number; meanMs: number | null }>;
  /** `workers`: BullMQ workers consuming the queue on any instance; 0 means its jobs wait. */
  queues: Array<{ queue: string; waiting: number; active: number; delayed: number; failed: number; workers: number }>;
  /** Queues no worker consumes: timers, delivery retries and hand-overs wait until one starts. */
  noWorker: string[];
  deadLetters: { open: number; recent: DeadLetterView[] };
  failedDeliveries: Array<{ conversationId: string; provider: string; direction: string; at: string; error: string | null }>;
}

/**
 * What the ops page and /metrics report, read when asked: sessions from Postgres, queue depths
 * from BullMQ, presence from Redis, provider calls from this process's histograms.
 */
@Injectable()
export class OpsStatsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly presence: PresenceService,
    private readonly modules: ModuleRef,
    private readonly deadLetters: DeadLetterService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async summary(): Promise<OpsSummary> {
    const [sessions, waiting, failed, queues, presence, providerCalls, deadOpen, deadRecent] = await Promise.all([
      this.db.query(`SELECT provider, state, count(*)::int AS count FROM conversations WHERE state <> 'closed' GROUP BY provider, state ORDER BY provider, state`),
      this.db.query(`SELECT count(*)::int AS count, COALESCE(extract(epoch FROM now() - min(opened_at)), 0)::float AS longest FROM conversations WHERE state = 'queued'`),
      // Message text is not shown here: ops sees that a delivery failed, not what it said.
      this.db.query(
        `SELECT m.conversation_id, c.provider, m.direction, m.created_at, m.last_error FROM transcript_messages m
         JOIN conversations c ON c.id = m.conversation_id WHERE m.delivery_state = 'failed' ORDER BY m.id DESC LIMIT 20`,
      ),
      this.queueCounts(),
      this.presence.all(),
      metrics.providerCalls.get(),
      this.deadLetters.countOpen(),
      this.deadLetters.recent(20),
    ]);
    const statuses = [...presence.values()];
    const providers = new Map<string, { calls: number; errors: number; sum: number }>();
    for (const value of providerCalls.values) {
      const provider = String(value.labels.provider);
      const entry = providers.get(provider) ?? { calls: 0, errors: 0, sum: 0 };
      if (value.metricName === 'ab_provider_call_seconds_count') {
        entry.calls += value.value;
        if (value.labels.outcome === 'error') entry.errors += value.value;
      }
      if (value.metricName === 'ab_provider_call_seconds_sum') entry.sum += value.value;
      providers.set(provider, entry);
    }
    const longest = Number(waiting[0]?.longest ?? 0);
    return {
      at: new Date().toISOString(),
      sessions: sessions as OpsSummary['sessions'],
      waiting: { count: waiting[0]?.count ?? 0, longestSeconds: Math.round(longest), alert: longest > this.config.ops.waitAlertSeconds, alertAfterSeconds: this.config.ops.waitAlertSeconds },
      agents: {
        available: statuses.filter((s) => s === 'available').length,
        away: statuses.filter((s) => s === 'away').length,
        offline: statuses.filter((s) => s === 'offline').length,
      },
      providers: [...providers].map(([provider, p]) => ({
        provider,
        calls: p.calls,
        errors: p.errors,
        errorRate: p.calls ? p.errors / p.calls : 0,
        meanMs: p.calls ? Math.round((p.sum / p.calls) * 10000) / 10 : null,
      })),
      queues,
      noWorker: queues.filter((q) => q.workers === 0).map((q) => q.queue),
      deadLetters: { open: deadOpen, recent: deadRecent },
      failedDeliveries: (failed as Array<{ conversation_id: string; provider: string; direction: string; created_at: Date; last_error: string | null }>).map((f) => ({
        conversationId: f.conversation_id,
        provider: f.provider,
        direction: f.direction,
        at: f.created_at.toISOString(),
        error: f.last_error,
      })),
    };
  }

  /** Refreshes the gauges that are read from the stores, just before a scrape. */
  async refreshGauges(): Promise<void> {
    const summary = await this.summary();
    metrics.sessions.reset();
    for (const s of summary.sessions) metrics.sessions.set({ state: s.state, provider: s.provider }, s.count);
    metrics.queueJobs.reset();
    for (const q of summary.queues) {
      for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) metrics.queueJobs.set({ queue: q.queue, state }, q[state]);
    }
    metrics.longestWait.set(summary.waiting.longestSeconds);
    for (const q of summary.queues) metrics.queueWorkers.set({ queue: q.queue }, q.workers);
    metrics.laneDeadLettersOpen.set(summary.deadLetters.open);
  }

  private async queueCounts(): Promise<OpsSummary['queues']> {
    return Promise.all(
      Object.values(QUEUES).map(async (name) => {
        const queue = this.modules.get<Queue>(getQueueToken(name), { strict: false });
        const [counts, workers] = await Promise.all([queue.getJobCounts('waiting', 'active', 'delayed', 'failed'), queue.getWorkersCount()]);
        return { queue: name, waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0, failed: counts.failed ?? 0, workers };
      }),
    );
  }
}
