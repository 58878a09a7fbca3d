import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QUEUES } from '@agent-bridge/queue';

export const QUEUE_DASHBOARD_PATH = '/ops/queues';

const QUEUE_ROUTE = `${QUEUE_DASHBOARD_PATH}/api/queues/:queueName/`;
const KNOWN_QUEUES = new Set<string>(Object.values(QUEUES));

/** By route (after QUEUE_ROUTE): the queue statuses it may act on. */
const QUEUE_ACTIONS: Record<string, readonly string[]> = {
  'retry/:queueStatus': ['failed'],
  'clean/:queueStatus': ['failed', 'completed'],
};

/** By route: the job states it may act on. */
const JOB_ACTIONS: Record<string, readonly string[]> = {
  ':jobId/retry': ['failed'],
  ':jobId/clean': ['failed', 'completed'],
};

const ONLY = 'The queue dashboard may retry failed jobs and clean failed or completed ones, nothing else';

/**
 * bull-board's other actions (add, promote, pause, empty, obliterate, edits, clean of waiting jobs)
 * would lose or forge hand-off work: session timers, ordered drains and deliveries live in these queues.
 */
@Injectable()
export class QueueDashboardPolicy {
  constructor(private readonly modules: ModuleRef) {}

  /** Null when the request may go on. `route`: the pattern Fastify matched, not the raw URL, which can vary. */
  async refusal(method: string, route: string, params: Record<string, string | undefined>): Promise<string | null> {
    if (method === 'GET' || method === 'HEAD') return null;
    const action = method === 'PUT' && route.startsWith(QUEUE_ROUTE) ? route.slice(QUEUE_ROUTE.length) : null;
    const queueStatuses = action ? QUEUE_ACTIONS[action] : undefined;
    if (queueStatuses) return queueStatuses.includes(params.queueStatus ?? '') ? null : ONLY;
    const jobStates = action ? JOB_ACTIONS[action] : undefined;
    if (jobStates) {
      const state = await this.jobState(params.queueName, params.jobId);
      return state && jobStates.includes(state) ? null : `${ONLY} (this job is ${state ?? 'not in a known queue'})`;
    }
    return ONLY;
  }

  private async jobState(queueName: string | undefined, jobId: string | undefined): Promise<string | null> {
    if (!queueName || !jobId || !KNOWN_QUEUES.has(queueName)) return null;
    const queue = this.modules.get<Queue>(getQueueToken(queueName), { strict: false });
    return queue.getJobState(jobId);
  }
}
