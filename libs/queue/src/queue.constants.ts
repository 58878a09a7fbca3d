import type { JobsOptions } from 'bullmq';

/**
 * Every queue, job name and payload type in one place (house style 5). A job name declared here
 * without exactly one handler fails start-up (see JobRegistry).
 */
export const QUEUES = {
  /** Ordered lanes (BotKit conversations, LiveChat chats): drain retries and the sweeper of lanes left behind. */
  events: 'botkit-events',
  /** Deferred work of on_webhook handlers (the async saveData -> 202 -> respondToHook path). */
  hooks: 'botkit-hooks',
  /** Agent-session timers and lifecycle: keep-alive, inactivity, queue timeout, ending. */
  sessions: 'handoff-sessions',
  /** Ordered delivery of relayed messages, one drain per conversation and direction. */
  delivery: 'handoff-delivery',
  /** LiveChat v3.6 webhooks (acknowledged at once, processed here) and catch-up after gaps. */
  livechat: 'livechat',
  /** LiveChat v2 polling, one scheduler per chat; its own queue so its concurrency can be capped. */
  livechatV2Poll: 'livechat-v2-poll',
  /** The built-in console: routing the queue, and agents' disconnect grace periods. */
  console: 'console',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const JOBS = {
  drainLane: 'drain-lane',
  sweepLanes: 'sweep-lanes',
  completeExampleBooking: 'complete-example-booking',
  keepalive: 'keepalive',
  inactivityCheck: 'inactivity-check',
  queueTimeout: 'queue-timeout',
  reconcileTimers: 'reconcile-timers',
  endSession: 'end-session',
  closeProviderChat: 'close-provider-chat',
  clearAgentSession: 'clear-agent-session',
  deliverToUser: 'deliver-to-user',
  deliverToAgent: 'deliver-to-agent',
  livechatWebhook: 'livechat-webhook',
  livechatCatchUp: 'livechat-catch-up',
  livechatV2Poll: 'livechat-v2-poll',
  consoleRoute: 'console-route',
  consoleAgentGrace: 'console-agent-grace',
} as const;

export type JobName = (typeof JOBS)[keyof typeof JOBS];

/** Which queue each job runs on. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JOBS.drainLane]: QUEUES.events,
  [JOBS.sweepLanes]: QUEUES.events,
  [JOBS.completeExampleBooking]: QUEUES.hooks,
  [JOBS.keepalive]: QUEUES.sessions,
  [JOBS.inactivityCheck]: QUEUES.sessions,
  [JOBS.queueTimeout]: QUEUES.sessions,
  [JOBS.reconcileTimers]: QUEUES.sessions,
  [JOBS.endSession]: QUEUES.sessions,
  [JOBS.closeProviderChat]: QUEUES.sessions,
  [JOBS.clearAgentSession]: QUEUES.sessions,
  [JOBS.deliverToUser]: QUEUES.delivery,
  [JOBS.deliverToAgent]: QUEUES.delivery,
  [JOBS.livechatWebhook]: QUEUES.livechat,
  [JOBS.livechatCatchUp]: QUEUES.livechat,
  [JOBS.livechatV2Poll]: QUEUES.livechatV2Poll,
  [JOBS.consoleRoute]: QUEUES.console,
  [JOBS.consoleAgentGrace]: QUEUES.console,
};

export interface DrainLaneJob {
  /** `<kind>/<id>`: `botkit/<botId>|<visitorKey>` or `livechat/<chatId>`. */
  lane: string;
}

export type SweepLanesJob = Record<string, never>;

export interface CompleteExampleBookingJob {
  botId: string;
  requestId: string;
}

/** Timers and deliveries only name the session; the handler reads its current state. */
export interface SessionJob {
  conversationId: string;
}

/** Re-creates, from Postgres, the timers and drains a Redis that lost its data no longer holds. */
export type ReconcileTimersJob = Record<string, never>;

export type EndReason = 'agent_closed' | 'user_ended' | 'inactivity' | 'queue_timeout' | 'provider_error' | 'platform_reset';

export interface EndSessionJob extends SessionJob {
  reason: EndReason;
  actor: string;
}

/** A LiveChat webhook as received (secret already checked and removed). */
export interface LiveChatWebhookJob {
  action: string;
  payload: Record<string, unknown>;
  receivedAt: number;
}

export interface LiveChatV2PollJob {
  conversationId: string;
}

/** Re-plan the console queue: assign what can be assigned, tell waiting users their place. */
export interface ConsoleRouteJob {
  reason: string;
}

export interface ConsoleAgentGraceJob {
  agentId: string;
}

export interface JobPayloads {
  [JOBS.drainLane]: DrainLaneJob;
  [JOBS.sweepLanes]: SweepLanesJob;
  [JOBS.completeExampleBooking]: CompleteExampleBookingJob;
  [JOBS.keepalive]: SessionJob;
  [JOBS.inactivityCheck]: SessionJob;
  [JOBS.queueTimeout]: SessionJob;
  [JOBS.reconcileTimers]: ReconcileTimersJob;
  [JOBS.endSession]: EndSessionJob;
  [JOBS.closeProviderChat]: EndSessionJob;
  [JOBS.clearAgentSession]: SessionJob;
  [JOBS.deliverToUser]: SessionJob;
  [JOBS.deliverToAgent]: SessionJob;
  [JOBS.livechatWebhook]: LiveChatWebhookJob;
  [JOBS.livechatCatchUp]: SessionJob;
  [JOBS.livechatV2Poll]: LiveChatV2PollJob;
  [JOBS.consoleRoute]: ConsoleRouteJob;
  [JOBS.consoleAgentGrace]: ConsoleAgentGraceJob;
}

/** Defaults for every job: bounded retries with exponential backoff, bounded history. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { count: 1000, age: 3600 },
  removeOnFail: { count: 5000, age: 7 * 86400 },
};

/**
 * A deterministic job id (`keepalive.<sessionId>`), so a timer or a once-only job can be found,
 * replaced or cancelled. BullMQ refuses ':' in custom ids; parts are joined with '.' instead.
 */
export function jobId(kind: string, ...parts: string[]): string {
  return [kind, ...parts].map((p) => p.replace(/:/g, '_')).join('.');
}
