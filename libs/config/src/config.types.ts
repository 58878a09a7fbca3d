/** The two algorithms the Kore platform uses for BotKit; RS* is not accepted there. */
export type JwtAlgorithm = 'HS256' | 'HS512';
export const JWT_ALGORITHMS: readonly JwtAlgorithm[] = ['HS256', 'HS512'];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** A bot's BotKit app credentials: `appId` in the JWTs is the Client ID, the key is the Client Secret. */
export interface BotCredentials {
  clientId: string;
  /** Secret: never logged. */
  clientSecret: string;
  jwtAlgorithm: JwtAlgorithm;
  /** Per-bot hand-off settings (BOTS_FILE); unset fields fall back to the global ones. */
  handoff?: Partial<BotHandoffSettings>;
}

/** A tone that escalates: `tone_name` at `level` or above in `message_tone` or `dialog_tone`. */
export interface ToneRule {
  tone: string;
  level: number;
}

/** What users are told; `{agent}`, `{duration}` and `{minutes}` are filled in. */
export interface HandoffMessages {
  waiting: string;
  agentJoined: string;
  agentLeft: string;
  userEnded: string;
  inactivity: string;
  queueTimeout: string;
  unavailable: string;
  deliveryFailed: string;
  /** The team is closed (business hours), back to the bot; `{next}`: when it opens, in the team's zone. */
  outsideHours: string;
  /** The team is closed and takes a message; `{next}` as above. */
  outsideHoursLeaveMessage: string;
  /** The user's message for a closed team is kept; back to the bot. */
  offlineMessageThanks: string;
  /** CSAT: the quick-reply question after an agent's chat ends, and the answer to a rating. */
  csatPrompt: string;
  csatThanks: string;
}

export interface BotHandoffSettings {
  provider: string;
  toneEscalation: boolean;
  toneRules: ToneRule[];
  toneDebounceSeconds: number;
  keywords: string[];
  endCommand: string;
  messages: HandoffMessages;
}

export interface HandoffConfig extends BotHandoffSettings {
  keepaliveIntervalSeconds: number;
  /** The full pass over every open session's timers; a reconnect to Redis or a lost scheduler also starts one at once. */
  reconcileIntervalSeconds: number;
  inactivityTimeoutSeconds: number;
  queueTimeoutSeconds: number;
  /** Signs history links; derived from the Kore secret when HISTORY_LINK_SECRET is unset. Never logged. */
  historyLinkSecret: string;
  historyLinkTtlSeconds: number;
  /** How long the user's next message may be a rating after the CSAT question is sent. */
  csatWindowSeconds: number;
  /** The zone of the reports' rollup (its days); reports asked in another zone read every conversation of the range. */
  reportsTimeZone: string;
  /** How many of the user's last messages the agent gets on hand-off. */
  recentMessages: number;
  /** Enables the loopback desk's agent routes (/providers/loopback) for whoever holds it. Never logged. */
  loopbackSecret: string | null;
}

/** LiveChat (v3.6 Customer Chat API + webhooks, and the legacy v2 visitor API). Secrets never logged. */
export interface LiveChatConfig {
  apiUrl: string;
  accountsUrl: string;
  organizationId: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  webhookSecret: string;
  groupId: number | null;
  /** v2 only: the numeric licence id. */
  licenseId: string;
  /** v2 only: how often each chat is polled (also LiveChat's keep-alive: under 30 s). */
  v2PollSeconds: number;
  /** v2 only: how many polls run at once, across the whole deployment's workers of this process. */
  v2PollConcurrency: number;
  /** How long a chat_deactivated waits for a late incoming_event before the session ends. */
  closeGraceMs: number;
}

/** Chatwoot (Application API, one API channel inbox, account webhooks). Secrets never logged. */
export interface ChatwootConfig {
  /** The installation's base URL (`https://app.chatwoot.com` or a self-hosted one), no trailing slash. */
  url: string;
  accountId: number;
  /** The API channel inbox hand-offs open their conversations in. */
  inboxId: number;
  /** An agent's or agent bot's access token for the Application API (`api_access_token`). */
  apiToken: string;
  /** The last path segment of the webhook URL (`/webhooks/chatwoot/<secret>`), compared in constant time. */
  webhookSecret: string;
  /** The webhook's own signing secret (Chatwoot 4.11.2 and newer): when set, every webhook must carry a valid signature. */
  signingSecret: string | null;
}

/** One field of the Kore context the console's context panel shows: a dotted path into the latest payload's `context`. */
export interface ContextField {
  label: string;
  path: string;
}

export interface ConsoleConfig {
  /** Signs agents' session tokens; derived from the Kore secret when unset. Never logged. */
  tokenSecret: string;
  tokenTtlSeconds: number;
  /** Assign waiting conversations to the least-loaded available agent; off: agents pick. */
  autoAssign: boolean;
  /** An agent whose last socket dropped keeps their chats this long before they are re-queued. */
  disconnectGraceSeconds: number;
  /** CONSOLE_CONTEXT_FIELDS, in order; none when unset. */
  contextFields?: ContextField[];
}

export interface OpsConfig {
  /** Basic-auth password of the `ops` user, for deployments without console accounts. Never logged. */
  password: string | null;
  /** Bearer token Prometheus may scrape /metrics with. Never logged. */
  metricsToken: string | null;
  /** A user waiting longer than this raises an alert on the ops page. */
  waitAlertSeconds: number;
}

export interface RedisNode {
  host: string;
  port: number;
}

/** How the bridge reaches Redis; REDIS_URL still gives the credentials, TLS and (not in a cluster) the database. */
export type RedisTopology =
  | { mode: 'standalone' }
  | { mode: 'sentinel'; sentinels: RedisNode[]; masterName: string; sentinelPassword: string | null }
  | { mode: 'cluster'; nodes: RedisNode[] };

export interface RedisConfig {
  url: string;
  keyPrefix: string;
  /** Absent: standalone at `url`. */
  topology?: RedisTopology;
  /**
   * Replicas that must have an accepted event before it is acknowledged (`WAIT`); 0 (absent) does not
   * wait. A failover can only lose a write no replica had.
   */
  replicaAcks?: number;
  replicaAckTimeoutMs?: number;
}

export interface AppConfig {
  port: number;
  publicUrl: string;
  logLevel: LogLevel;
  /** A graceful stop that takes longer than this (a dependency unreachable) exits anyway, with code 1. */
  stopTimeoutSeconds: number;
  database: { url: string };
  redis: RedisConfig;
  kore: {
    /** Credentials of the default BotKit app (KORE_CLIENT_ID/SECRET); per-bot ones override them. */
    defaultCredentials: BotCredentials | null;
    bots: Readonly<Record<string, BotCredentials>>;
    /** BotKit's `app.apiPrefix`: routes live at `{apiPrefix}/sdk/bots/...`; auth applies regardless. */
    apiPrefix: string;
    /** Accept the legacy plain `apikey` header (the Client Secret in clear). Off by default. */
    allowApiKey: boolean;
    requestTimeoutMs: number;
    savedDataTtlSeconds: number;
    webhookTimeoutMs: number;
  };
  handoff: HandoffConfig;
  livechat: LiveChatConfig;
  chatwoot: ChatwootConfig;
  console: ConsoleConfig;
  ops: OpsConfig;
  workers: { enabled: boolean; concurrency: number };
}
