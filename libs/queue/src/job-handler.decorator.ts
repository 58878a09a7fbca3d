import { SetMetadata } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { JobName, JobPayloads } from './queue.constants';

export const JOB_HANDLER = Symbol('JOB_HANDLER');

/** A job's handler: a provider with `handle(job)`, marked with @JobHandler(name). One per job name. */
export interface JobHandlerFor<N extends JobName> {
  handle(job: Job<JobPayloads[N]>): Promise<unknown>;
}

export const JobHandler = (name: JobName): ClassDecorator => SetMetadata(JOB_HANDLER, name);
