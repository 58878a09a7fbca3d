import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { JOB_OPTIONS, JOBS, QUEUES, jobId, type JobPayloads } from '@agent-bridge/queue';
import { ReportRollup, type RollupRun } from './report-rollup';

/** How often the rollup job runs: a day's conversations reach it within this once the day is over. */
export const ROLLUP_EVERY_MS = 60_000;
const SCHEDULER_ID = jobId('report-rollup');

type RollupJob = JobPayloads[typeof JOBS.reportRollup];

/** The reports' rollup in the reporting zone (REPORTS_TIME_ZONE), on one pooled connection per run. */
@Injectable()
export class ReportRollupService {
  private readonly rollup: ReportRollup;

  constructor(@InjectDataSource() private readonly db: DataSource, @Inject(APP_CONFIG) config: AppConfig) {
    this.rollup = new ReportRollup(config.handoff.reportsTimeZone);
  }

  async run(): Promise<RollupRun> {
    // One connection: the run's advisory lock is the session's, and its steps are transactions.
    const runner = this.db.createQueryRunner();
    try {
      await runner.connect();
      return await this.rollup.run((sql, params) => runner.query(sql, params));
    } finally {
      await runner.release();
    }
  }
}

/** Keeps the rollup job scheduled (the same scheduler id on every worker process) and runs one at start-up. */
@Injectable()
export class ReportRollupSchedule implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReportRollupSchedule.name);

  constructor(@InjectQueue(QUEUES.sessions) private readonly queue: Queue<RollupJob>) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(SCHEDULER_ID, { every: ROLLUP_EVERY_MS }, { name: JOBS.reportRollup, data: {}, opts: JOB_OPTIONS[JOBS.reportRollup] });
    this.logger.log(`report rollup scheduled every ${ROLLUP_EVERY_MS / 1000} s`);
  }
}
