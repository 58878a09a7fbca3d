import { Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { JobRegistry } from './job-registry.service';
import { QUEUES } from './queue.constants';

/** Processors are thin: each hands the job to its registered handler. */
abstract class DispatchingProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly registry: JobRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.workers.concurrency;
  }

  process(job: Job): Promise<unknown> {
    return this.registry.dispatch(job);
  }
}

@Processor(QUEUES.events)
class EventsProcessor extends DispatchingProcessor {}

@Processor(QUEUES.hooks)
class HooksProcessor extends DispatchingProcessor {}

@Processor(QUEUES.sessions)
class SessionsProcessor extends DispatchingProcessor {}

@Processor(QUEUES.delivery)
class DeliveryProcessor extends DispatchingProcessor {}

/** Runs the BullMQ workers of this process (the bridge by default, or apps/worker alone). */
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
  ],
})
export class QueueWorkersModule {}
