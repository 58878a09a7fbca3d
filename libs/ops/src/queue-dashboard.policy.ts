import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QUEUES } from '@agent-bridge/queue';

export const QUEUE_DASHBOARD_PATH = '/ops/queues';

const QUEUE_ROUTE = `${QUEUE_DASHBOARD_PATH}/api/queues/:queueName/`;
const KNOWN_QUEUES = new Set<string>(Object.values(QUEUES));

/** Changes to a whole queue the dashboard may make, by route (after QUEUE_ROUTE) and its status. */
const QUEUE_ACTIONS: Record<string, readonly string[]> = {
  'retry/:queueStatus': ['failed'],
  'clean/:queueStatus': ['failed', 'completed'],
};

/** Changes to one job the dashboard may make, by route and the job's state now. */
const JOB_ACTIONS: Record<string, readonly string[]> = {
  ':jobId/retry': ['failed'],
  ':jobId/clean': ['failed', 'completed'],
};

const ONLY = 'The queue dashboard may retry failed jobs and clean failed or completed ones, nothing else';

/**
 * What the queue dashboard (bull-board) may change. Reading is open to whoever signed in; of its
 * actions, only retry of failed jobs and clean of failed or completed ones are allowed. The rest
 * (add, promote, pause, empty, obliterate, edit a job's data or delay, remove a timer's scheduler,
 * clean delayed or waiting jobs) would lose or forge hand-off work: session timers, ordered drains
 * and deliveries live in these queues.
 */
@Injectable()
export class QueueDashboardPolicy {
  constructor(private readonly modules: ModuleRef) {}

  /**
   * Null when the request may go on, else why not. `route`: the pattern of the route Fastify
   * matched (not the raw URL, which can spell the same route differently); `params`: its decoded
   * parameters.
   */
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
