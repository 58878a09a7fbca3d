import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { DeskEvents, DeskSessions } from '@agent-bridge/desk-port';
import { JobHandler, JOBS, type ConsoleAgentGraceJob, type ConsoleRouteJob, type JobHandlerFor } from '@agent-bridge/queue';
import { CONSOLE_PROVIDER } from '../desk/console-events';
import { ConsoleProvider } from '../desk/console.provider';
import { PresenceService } from '../presence/presence.service';
import { ConsoleQueueService } from '../routing/console-queue.service';

@Injectable()
@JobHandler(JOBS.consoleRoute)
export class ConsoleRouteHandler implements JobHandlerFor<typeof JOBS.consoleRoute> {
  constructor(private readonly queue: ConsoleQueueService) {}

  handle(_job: Job<ConsoleRouteJob>): Promise<unknown> {
    return this.queue.route();
  }
}

@Injectable()
@JobHandler(JOBS.consoleAgentGrace)
export class ConsoleAgentGraceHandler implements JobHandlerFor<typeof JOBS.consoleAgentGrace> {
  private readonly logger = new Logger(ConsoleAgentGraceHandler.name);

  constructor(
    private readonly presence: PresenceService,
    private readonly conversations: DeskSessions,
    private readonly desk: DeskEvents,
    private readonly provider: ConsoleProvider,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(job: Job<ConsoleAgentGraceJob>): Promise<{ requeued: number; skipped?: string }> {
    const { agentId } = job.data;
    if ((await this.presence.socketCount(agentId)) > 0) return { requeued: 0, skipped: 'back online' };
    await this.presence.set(agentId, 'offline');
    let requeued = 0;
    for (const conversation of await this.conversations.assignedTo(CONSOLE_PROVIDER, agentId)) {
      if (await this.desk.requeue(conversation, 'console:grace')) requeued++;
    }
    this.logger.log(`agent ${agentId} offline after ${this.config.console.disconnectGraceSeconds} s; ${requeued} chat(s) re-queued`);
    await this.provider.route('agent offline');
    return { requeued };
  }
}
