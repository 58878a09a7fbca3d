import type { JobsOptions } from 'bullmq';

/**
 * Every queue, job name and payload type in one place (house style 5). A job name declared here
 * without exactly one handler fails start-up (see JobRegistry).
 */
export const QUEUES = {
  /** Per-conversation ordered processing of inbound BotKit events. */
  events: 'botkit-events',
  /** Deferred work of on_webhook handlers (the async saveData -> 202 -> respondToHook path). */
  hooks: 'botkit-hooks',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const JOBS = {
  drainConversation: 'drain-conversation',
  completeExampleBooking: 'complete-example-booking',
} as const;

export type JobName = (typeof JOBS)[keyof typeof JOBS];

/** Which queue each job runs on. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JOBS.drainConversation]: QUEUES.events,
  [JOBS.completeExampleBooking]: QUEUES.hooks,
};

export interface DrainConversationJob {
  /** Redis key suffix of the conversation's inbox (`<botId>|<visitorKey>`). */
  conversation: string;
}

export interface CompleteExampleBookingJob {
  botId: string;
  requestId: string;
}

export interface JobPayloads {
  [JOBS.drainConversation]: DrainConversationJob;
  [JOBS.completeExampleBooking]: CompleteExampleBookingJob;
}

/** Defaults for every job: bounded retries with exponential backoff, bounded history. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { count: 1000, age: 3600 },
  removeOnFail: { count: 5000, age: 7 * 86400 },
};
