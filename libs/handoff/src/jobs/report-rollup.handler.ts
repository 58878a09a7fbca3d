import { Injectable } from '@nestjs/common';
import { JobHandler, JOBS, type JobHandlerFor } from '@agent-bridge/queue';
import { ReportRollupService } from '../reports/report-rollup.service';
import type { RollupRun } from '../reports/report-rollup';

/** Overlapping runs (two instances, a slow backfill) skip on the rollup's advisory lock. */
@Injectable()
@JobHandler(JOBS.reportRollup)
export class ReportRollupHandler implements JobHandlerFor<typeof JOBS.reportRollup> {
  constructor(private readonly rollup: ReportRollupService) {}

  handle(): Promise<RollupRun> {
    return this.rollup.run();
  }
}
