import { Inject, Injectable } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { PresenceService } from '@agent-bridge/console';
import { DeadLetterService, type DeadLetterView } from '@agent-bridge/events';
import { ConversationRepository, TranscriptRepository } from '@agent-bridge/handoff';
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
    private readonly conversations: ConversationRepository,
    private readonly transcript: TranscriptRepository,
    private readonly presence: PresenceService,
    private readonly modules: ModuleRef,
    private readonly deadLetters: DeadLetterService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async summary(): Promise<OpsSummary> {
    const [sessions, waiting, failed, queues, presence, providerCalls, deadOpen, deadRecent] = await Promise.all([
      this.conversations.openSessionCounts(),
      this.conversations.queueWait(),
      this.transcript.recentFailedDeliveries(20),
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
    const longest = waiting.longestSeconds;
    return {
      at: new Date().toISOString(),
      sessions,
      waiting: { count: waiting.count, longestSeconds: Math.round(longest), alert: longest > this.config.ops.waitAlertSeconds, alertAfterSeconds: this.config.ops.waitAlertSeconds },
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
      failedDeliveries: failed.map((f) => ({ ...f, at: f.at.toISOString() })),
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
