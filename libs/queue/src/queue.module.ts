import { Global, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import type { ConnectionOptions, Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { ConnectionErrors } from '@agent-bridge/observability';
import { QUEUE_CONNECTION, type QueueConnection } from '@agent-bridge/persistence';
import { DEFAULT_JOB_OPTIONS, QUEUES } from './queue.constants';

const queues = Object.values(QUEUES).map((name) => ({ name }));

@Injectable()
class QueueErrorsReporter implements OnModuleInit {
  constructor(private readonly modules: ModuleRef) {}

  onModuleInit(): void {
    for (const { name } of queues) {
      const queue = this.modules.get<Queue>(getQueueToken(name), { strict: false });
      queue.on('error', new ConnectionErrors(`${name} queue`).report);
    }
  }
}

/** Registers every queue (producer side). Workers come from QueueWorkersModule. */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG, QUEUE_CONNECTION],
      useFactory: (config: AppConfig, connection: QueueConnection) => ({
        // ioredis options or an ioredis Cluster, both of which BullMQ takes (its own types name them differently).
        connection: connection as ConnectionOptions,
        prefix: `${config.redis.keyPrefix}:bull`,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      }),
    }),
    BullModule.registerQueue(...queues),
  ],
  providers: [QueueErrorsReporter],
  exports: [BullModule],
})
export class QueueModule {}
