import { Global, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { DEFAULT_JOB_OPTIONS, QUEUES } from './queue.constants';

const queues = Object.values(QUEUES).map((name) => ({ name }));

/** Registers every queue (producer side). Workers come from QueueWorkersModule. */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // Blocking connections wait out a Redis restart instead of failing the worker.
        connection: { url: config.redis.url, maxRetriesPerRequest: null },
        prefix: `${config.redis.keyPrefix}:bull`,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      }),
    }),
    BullModule.registerQueue(...queues),
  ],
  exports: [BullModule],
})
export class QueueModule {}
