import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { JOB_OPTIONS, JOBS, QUEUES, jobId, type ConsoleAgentGraceJob } from '@agent-bridge/queue';

/**
 * Starts an agent's disconnect grace period: after CONSOLE_DISCONNECT_GRACE_SECONDS the grace job
 * marks them offline and re-queues their chats unless a live socket came back. One path for a
 * dropped socket and for the sockets of a crashed instance.
 */
@Injectable()
export class AgentGraceService {
  constructor(
    @InjectQueue(QUEUES.console) private readonly queue: Queue<ConsoleAgentGraceJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async start(agentId: string): Promise<void> {
    await this.queue.add(JOBS.consoleAgentGrace, { agentId }, {
      ...JOB_OPTIONS[JOBS.consoleAgentGrace],
      delay: this.config.console.disconnectGraceSeconds * 1000,
      jobId: jobId('grace', agentId, String(Date.now())),
    });
  }
}
