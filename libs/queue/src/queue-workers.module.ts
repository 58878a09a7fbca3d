import { Inject, Logger, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { ConnectionErrors, withCorrelation } from '@agent-bridge/observability';
import { JobRegistry } from './job-registry.service';
import { QUEUES, WORKER_OPTIONS } from './queue.constants';

abstract class DispatchingProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private errors?: ConnectionErrors;

  constructor(
    private readonly registry: JobRegistry,
    @Inject(APP_CONFIG) protected readonly appConfig: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.appConfig.workers.concurrency;
  }

  process(job: Job): Promise<unknown> {
    return withCorrelation(`job:${job.queueName}:${job.id}`, () => this.registry.dispatch(job));
  }

  /** Before the connections close, so no running job is cut between its outbound call and its bookkeeping. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    (this.errors ??= new ConnectionErrors(`${this.worker.name} worker`)).report(error);
  }

  // Ids and the error only: job data can hold message text.
  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    const line = `${job.queueName}/${job.name} ${job.id} attempt ${job.attemptsMade}/${job.opts.attempts ?? 1} failed: ${error.message}`;
    if (final) this.logger.error(line);
    else this.logger.warn(line);
  }
}

@Processor(QUEUES.events, WORKER_OPTIONS)
class EventsProcessor extends DispatchingProcessor {}

@Processor(QUEUES.hooks, WORKER_OPTIONS)
class HooksProcessor extends DispatchingProcessor {}

@Processor(QUEUES.sessions, WORKER_OPTIONS)
class SessionsProcessor extends DispatchingProcessor {}

@Processor(QUEUES.delivery, WORKER_OPTIONS)
class DeliveryProcessor extends DispatchingProcessor {}

@Processor(QUEUES.livechat, WORKER_OPTIONS)
class LiveChatProcessor extends DispatchingProcessor {}

@Processor(QUEUES.console, WORKER_OPTIONS)
class ConsoleProcessor extends DispatchingProcessor {}

/** LiveChat v2 polls hit LiveChat once each: their concurrency is capped by its own setting. */
@Processor(QUEUES.livechatV2Poll, WORKER_OPTIONS)
class LiveChatV2PollProcessor extends DispatchingProcessor {
  override onApplicationBootstrap(): void {
    this.worker.concurrency = this.appConfig.livechat.v2PollConcurrency;
  }
}

/** Imported by the bridge by default, or by apps/worker alone. */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: JobRegistry,
      inject: [DiscoveryService],
      useFactory: (discovery: DiscoveryService) => {
        const registry = new JobRegistry(discovery);
        registry.consume(Object.values(QUEUES));
        return registry;
      },
    },
    EventsProcessor,
    HooksProcessor,
    SessionsProcessor,
    DeliveryProcessor,
    LiveChatProcessor,
    LiveChatV2PollProcessor,
    ConsoleProcessor,
  ],
})
export class QueueWorkersModule {}
