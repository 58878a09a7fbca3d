export { QueueModule } from './queue.module';
export { QueueWorkersModule } from './queue-workers.module';
export { JobHandler } from './job-handler.decorator';
export type { JobHandlerFor } from './job-handler.decorator';
export { QUEUES, JOBS, JOB_QUEUE, DEFAULT_JOB_OPTIONS, JOB_OPTIONS, LANE_RETRY, OUTAGE_BACKOFF, jobId } from './queue.constants';
export type { QueueName, JobName, JobPayloads, DrainLaneJob, SweepLanesJob, CompleteExampleBookingJob, SessionJob, EndSessionJob, EndReason, LiveChatWebhookJob, LiveChatV2PollJob, ConsoleRouteJob, ConsoleAgentGraceJob, TeamOverflowJob, DeskTeamChangedJob } from './queue.constants';
