/** [unverified] marks behaviour LiveChat's docs leave open; the sandbox's guesses are settings where they can be. */
export interface SimAgentConfig {
  /** Agent ids look like emails. */
  id: string;
  name: string;
  online?: boolean;
  jobTitle?: string;
  avatar?: string;
}

export interface WebhookDeliverySettings {
  /** Per-attempt timeout; LiveChat documents about 10 s. */
  timeoutMs: number;
  /**
   * Its length is the retry count. [unverified] LiveChat's guide says "up to 10 times within 6 hours"
   * (older text: 3 times within a minute); the default follows the former.
   */
  retryDelaysMs: number[];
  /** How many delivery records `webhookDeliveries()` keeps (oldest dropped first). */
  logLimit: number;
}

export interface LiveChatSimOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  organizationId?: string;
  /** The legacy v2 numeric `licence_id`. */
  licenseId?: string;
  /** Licence data centre: tokens carry it as a prefix and requests must be sent there. */
  region?: string;
  /** [unverified] Region assumed for a request without `X-Region` (the docs call `dal` the default). */
  defaultRequestRegion?: string;
  /** The agent account that authorized the OAuth app. */
  accountId?: string;
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  /** A single-use code accepted by the `authorization_code` grant; `issueAuthorizationCode()` makes more. */
  authorizationCode?: string;
  /** When set, the `authorization_code` grant requires this exact `redirect_uri`. */
  redirectUri?: string;
  agentScopes?: string[];
  pat?: { accountId: string; token: string; scopes?: string[] };
  agents?: SimAgentConfig[];
  /** Access-token lifetime (agent and customer); LiveChat uses 28 800 s. */
  tokenTtlSeconds?: number;
  /** Live access tokens per client per account before the oldest is silently revoked. */
  maxTokensPerClient?: number;
  webhooks?: Partial<WebhookDeliverySettings>;
  /** The v2 chat closes when `get_pending_messages` is not called for this long (~30 s documented). */
  v2KeepAliveSeconds?: number;
  /** [unverified] v2 accepts JSON bodies besides form encoding; one public sample got away with JSON. */
  v2AcceptJson?: boolean;
  /** Router archives a chat with no message for this long (`routing.archived_inactive`); 0 turns it off. */
  inactivitySeconds?: number;
  /** Router posts `routing.idle` (chat stays open) after this long; 0 turns it off. */
  idleSeconds?: number;
  /** When every agent goes offline, queued chats are archived (`routing.archived_offline`). */
  archiveWhenAgentsOffline?: boolean;
  /** Overrides of the [unverified] error-type → HTTP status mapping. */
  errorStatuses?: Partial<Record<string, number>>;
  /** [unverified] Error type `start_chat` answers when the customer already has a chat. */
  existingChatErrorType?: string;
  /** The licence's groups: `chat.access.group_ids` naming another is refused with `group_not_found`. Group 0 (General) always exists. */
  groupIds?: number[];
  /** [unverified] `file` events must point at the LiveChat CDN. */
  fileUrlPattern?: RegExp;
  /** Called with short operational lines (ids and statuses only, never secrets or message texts). */
  log?: (line: string) => void;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  organizationId: string;
  licenseId: string;
  region: string;
  defaultRequestRegion: string;
  accountId: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  authorizationCode: string;
  redirectUri: string | undefined;
  agentScopes: string[];
  pat: { accountId: string; token: string; scopes: string[] };
  agents: SimAgentConfig[];
  tokenTtlSeconds: number;
  maxTokensPerClient: number;
  webhooks: WebhookDeliverySettings;
  v2KeepAliveSeconds: number;
  v2AcceptJson: boolean;
  inactivitySeconds: number;
  idleSeconds: number;
  archiveWhenAgentsOffline: boolean;
  errorStatuses: Partial<Record<string, number>>;
  existingChatErrorType: string;
  groupIds: number[];
  fileUrlPattern: RegExp;
  log: (line: string) => void;
}

/** Sandbox defaults: obviously fake values that still have the documented shapes. */
export const SANDBOX_DEFAULTS = {
  organizationId: '0b5a1e5e-5a4d-4b0c-8a11-5a4db0c5a4d0',
  licenseId: '19000000',
  accountId: 'c0ffee00-5a4d-4b0c-8a11-00000000ac01',
  clientId: '5a4db0c5a4db0c5a4db0c5a4db0c5a4d',
  clientSecret: 'sandbox-client-secret',
  refreshToken: 'sandbox-refresh-token',
  authorizationCode: 'sandbox-authorization-code',
  webhookSecret: 'sandbox-webhook-secret',
  patAccountId: 'c0ffee00-5a4d-4b0c-8a11-00000000ac01',
  patToken: 'dal:sandbox-personal-access-token',
} as const;

export const DEFAULT_AGENT_SCOPES = [
  'customers:own',
  'chats--all:rw',
  'chats--access:rw',
  'customers:rw',
  'webhooks.configuration:rw',
  'webhooks.state:rw',
  'webhooks--my:rw',
];

const MINUTE = 60_000;
// 10 retries spread over roughly six hours.
const DEFAULT_RETRY_DELAYS_MS = [10_000, 30_000, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 20 * MINUTE, 40 * MINUTE, 80 * MINUTE, 200 * MINUTE];

export function resolveOptions(options: LiveChatSimOptions = {}): ResolvedOptions {
  const region = options.region ?? 'dal';
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    organizationId: options.organizationId ?? SANDBOX_DEFAULTS.organizationId,
    licenseId: options.licenseId ?? SANDBOX_DEFAULTS.licenseId,
    region,
    defaultRequestRegion: options.defaultRequestRegion ?? 'dal',
    accountId: options.accountId ?? SANDBOX_DEFAULTS.accountId,
    clientId: options.clientId ?? SANDBOX_DEFAULTS.clientId,
    clientSecret: options.clientSecret ?? SANDBOX_DEFAULTS.clientSecret,
    refreshToken: options.refreshToken ?? SANDBOX_DEFAULTS.refreshToken,
    authorizationCode: options.authorizationCode ?? SANDBOX_DEFAULTS.authorizationCode,
    redirectUri: options.redirectUri,
    agentScopes: options.agentScopes ?? DEFAULT_AGENT_SCOPES,
    pat: {
      accountId: options.pat?.accountId ?? SANDBOX_DEFAULTS.patAccountId,
      token: options.pat?.token ?? SANDBOX_DEFAULTS.patToken,
      scopes: options.pat?.scopes ?? ['webhooks.configuration:rw', 'webhooks.state:rw', 'webhooks--my:rw', 'chats--all:rw'],
    },
    agents: options.agents ?? [
      { id: 'anna@example.com', name: 'Anna Agent', online: true, jobTitle: 'Support Agent' },
      { id: 'bruno@example.com', name: 'Bruno Backup', online: true, jobTitle: 'Support Agent' },
    ],
    tokenTtlSeconds: options.tokenTtlSeconds ?? 28_800,
    maxTokensPerClient: options.maxTokensPerClient ?? 25,
    webhooks: {
      timeoutMs: options.webhooks?.timeoutMs ?? 10_000,
      retryDelaysMs: options.webhooks?.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
      logLimit: options.webhooks?.logLimit ?? 10_000,
    },
    v2KeepAliveSeconds: options.v2KeepAliveSeconds ?? 30,
    v2AcceptJson: options.v2AcceptJson ?? true,
    inactivitySeconds: options.inactivitySeconds ?? 600,
    idleSeconds: options.idleSeconds ?? 0,
    archiveWhenAgentsOffline: options.archiveWhenAgentsOffline ?? true,
    errorStatuses: options.errorStatuses ?? {},
    existingChatErrorType: options.existingChatErrorType ?? 'validation',
    groupIds: [...new Set([0, ...(options.groupIds ?? [])])],
    fileUrlPattern: options.fileUrlPattern ?? /^https:\/\/cdn\.(livechat-files|livechatinc)\.com\//,
    log: options.log ?? (() => undefined),
  };
}
