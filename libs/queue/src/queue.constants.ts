import type { JobsOptions, WorkerOptions } from 'bullmq';

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
  teamOverflow: 'team-overflow',
  reportRollup: 'report-rollup',
  deskTeamChanged: 'desk-team-changed',
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
  [JOBS.teamOverflow]: QUEUES.sessions,
  [JOBS.reportRollup]: QUEUES.sessions,
  [JOBS.deskTeamChanged]: QUEUES.sessions,
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

export type EndReason = 'agent_closed' | 'user_ended' | 'inactivity' | 'queue_timeout' | 'provider_error' | 'platform_reset' | 'after_hours';

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

/** A chat still waiting in `teamId`'s queue moves to its fallback; `visited`: the teams of this wait, never entered again. */
export interface TeamOverflowJob extends SessionJob {
  teamId: string;
  visited: string[];
}

/** Rolls the reports' finished days up and recomputes the days changed since (ReportRollup). */
export type ReportRollupJob = Record<string, never>;
/** Tell the chat's desk it moved to `teamId`'s queue (its group or team there). */
export interface DeskTeamChangedJob extends SessionJob {
  teamId: string;
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
  [JOBS.teamOverflow]: TeamOverflowJob;
  [JOBS.reportRollup]: ReportRollupJob;
  [JOBS.deskTeamChanged]: DeskTeamChangedJob;
}

/** Defaults for every job: bounded retries with exponential backoff, bounded history. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { count: 1000, age: 3600 },
  removeOnFail: { count: 5000, age: 7 * 86400 },
};

/**
 * Every worker's locks: a job whose process died is found stalled within lockDuration +
 * stalledInterval (under 8 s, not BullMQ's 30-60 s default) and runs again elsewhere. A few stalls
 * are allowed, since a busy machine can hold the event loop past a lock renewal.
 */
export const WORKER_OPTIONS: Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount' | 'settings'> = {
  lockDuration: 5000,
  stalledInterval: 2500,
  maxStalledCount: 3,
  settings: { backoffStrategy: (attemptsMade, type, _error, job) => (type === OUTAGE_BACKOFF ? outageBackoff(attemptsMade, job?.opts.backoff) : -1) },
};

/**
 * A backoff for work that waits on a party that may be down for a while (the platform, a desk):
 * doubling from `delay` up to 5 s for the first two minutes, so a short outage is ridden out within
 * seconds of its end, then every 30 s. Plain exponential backoff waited up to half a minute after a
 * one-minute outage.
 */
export const OUTAGE_BACKOFF = 'outage';
const OUTAGE_FIRST_PHASE = { attempts: 24, capMs: 5000 };
const OUTAGE_LATER_MS = 30_000;

export function outageBackoff(attemptsMade: number, backoff: JobsOptions['backoff']): number {
  const delay = typeof backoff === 'object' && backoff.delay ? backoff.delay : 1000;
  if (attemptsMade > OUTAGE_FIRST_PHASE.attempts) return OUTAGE_LATER_MS;
  return Math.min(delay * 2 ** Math.max(0, attemptsMade - 1), OUTAGE_FIRST_PHASE.capMs);
}

/**
 * How a lane's holder retries an item in place, before the next item of that conversation may go.
 * Retries run inside the drain that holds the lane (its lease renewed meanwhile), not as BullMQ
 * attempts: a process with no BullMQ worker retries too, and a poisoned item holds its lane for
 * about two seconds, not a minute. A refusal that cannot pass (Postgres refusing a value, an error
 * flagged `retryable: false`) is dead-lettered at once.
 */
export const LANE_RETRY = {
  /** Attempts of an item failing for an unknown reason before it is dead-lettered. */
  attempts: 4,
  /** Backoff between those attempts: 250 ms, doubling, at most 1 s (250, 500, 1000). */
  firstDelayMs: 250,
  maxDelayMs: 1000,
  /**
   * A dependency that is down (Postgres, Redis, the platform, a desk) is not the item's fault, and
   * every lane that needs it waits alike: retried every few seconds, dead-lettered only past this.
   */
  outageHoldMs: 5 * 60_000,
  outageMaxDelayMs: 5000,
} as const;

/**
 * A deterministic job id (`keepalive.<sessionId>`), so a timer or a once-only job can be found,
 * replaced or cancelled. BullMQ refuses ':' in custom ids; parts are joined with '.' instead.
 */
export function jobId(kind: string, ...parts: string[]): string {
  return [kind, ...parts].map((p) => p.replace(/:/g, '_')).join('.');
}

/**
 * A drain job fails only when Redis does (items are retried inside the drain): a few quick tries,
 * then the sweeper of a running instance finds the lane anyway.
 */
const DRAIN_LANE = {
  attempts: 3,
  backoff: { type: 'fixed', delay: 500 },
  removeOnComplete: { count: 1000, age: 3600 },
  removeOnFail: { count: 1000, age: 86400 },
};

/**
 * Delivery drains ride out a platform or desk outage of half an hour, and catch up within seconds
 * of the end of a short one (OUTAGE_BACKOFF: 24 attempts in the first two minutes, then every 30 s).
 */
const DELIVERY = {
  attempts: 80,
  backoff: { type: OUTAGE_BACKOFF, delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { count: 5000 },
};

/** Session lifecycle (end, close the desk's chat, clear the platform's session): must happen, so retried for minutes. */
const LIFECYCLE: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 86400 },
  removeOnFail: { count: 5000 },
};

/** Timers are replaced all the time; a failed one is kept a while for a look, a done one not at all. */
const TIMER: JobsOptions = { removeOnComplete: true, removeOnFail: { count: 1000 } };

/** Every job's options, in one place: callers add only a job id, a delay or a deduplication key. */
export const JOB_OPTIONS: Record<JobName, JobsOptions> = {
  [JOBS.drainLane]: DRAIN_LANE,
  [JOBS.sweepLanes]: DEFAULT_JOB_OPTIONS,
  [JOBS.completeExampleBooking]: DEFAULT_JOB_OPTIONS,
  [JOBS.keepalive]: TIMER,
  [JOBS.inactivityCheck]: TIMER,
  [JOBS.queueTimeout]: TIMER,
  // A missed run is covered by the next one, 30 s later.
  [JOBS.reconcileTimers]: { removeOnComplete: true, removeOnFail: true, attempts: 1 },
  [JOBS.endSession]: LIFECYCLE,
  [JOBS.closeProviderChat]: LIFECYCLE,
  [JOBS.clearAgentSession]: LIFECYCLE,
  [JOBS.deliverToUser]: DELIVERY,
  [JOBS.deliverToAgent]: DELIVERY,
  // Kept a day under their deterministic ids, so LiveChat's redeliveries of a webhook are dropped.
  [JOBS.livechatWebhook]: { attempts: 10, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 24 * 3600, count: 100_000 }, removeOnFail: { count: 5000 } },
  [JOBS.livechatCatchUp]: DEFAULT_JOB_OPTIONS,
  // Retried within a poll interval, so a blip does not eat into LiveChat's ~30 s visitor keep-alive.
  [JOBS.livechatV2Poll]: { attempts: 3, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: true, removeOnFail: { count: 1000, age: 3600 } },
  [JOBS.consoleRoute]: { attempts: 5, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: true, removeOnFail: { count: 1000 } },
  [JOBS.consoleAgentGrace]: { removeOnComplete: true, removeOnFail: { count: 100 } },
  // Delayed by the team's overflow time; a move must happen, so retried like the lifecycle.
  [JOBS.teamOverflow]: LIFECYCLE,
  // A missed run is covered by the next one; until then the reports read those days from the rows.
  [JOBS.reportRollup]: { removeOnComplete: true, removeOnFail: { count: 100 }, attempts: 1 },
  // The engine has moved the chat already; the desk must follow, so retried like the lifecycle.
  [JOBS.deskTeamChanged]: LIFECYCLE,
};
