export interface SimAgentConfig {
  id: number;
  name: string;
  email: string;
  role?: 'administrator' | 'agent';
  /** Defaults to `sandbox-token-user-<id>`; the administrator's is `apiToken`. */
  accessToken?: string;
}

export interface SimTeamConfig {
  id: number;
  name: string;
  memberIds: number[];
  allowAutoAssign?: boolean;
}

export interface ChatwootSimOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  accountId?: number;
  accountName?: string;
  inboxId?: number;
  inboxName?: string;
  /** `api_access_token` of the first administrator in `agents`. */
  apiToken?: string;
  agents?: SimAgentConfig[];
  teams?: SimTeamConfig[];
  /** When set, every webhook created gets this `secret` instead of a random one. */
  webhookSecret?: string;
  /** Chatwoot ≥ 4.11.2 signs account webhooks; false behaves like older servers (no headers, no `secret`). */
  signWebhooks?: boolean;
  /** Per-attempt timeout; Chatwoot's `WEBHOOK_TIMEOUT` defaults to 5 s. */
  webhookTimeoutMs?: number;
  /** Chatwoot delivers account webhooks once; give delays here to retry failed deliveries anyway. */
  webhookRetryDelaysMs?: number[];
  /** The inbox's `enable_auto_assignment` (Chatwoot's default is on; the sandbox's off, so conversations wait for an agent). */
  autoAssign?: boolean;
  /** How many delivery records the log keeps. */
  deliveryLogLimit?: number;
  /** Short operational lines: ids and statuses only, never tokens or message text. */
  log?: (line: string) => void;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  accountId: number;
  accountName: string;
  inboxId: number;
  inboxName: string;
  apiToken: string;
  agents: SimAgentConfig[];
  teams: SimTeamConfig[];
  webhookSecret: string | undefined;
  signWebhooks: boolean;
  webhookTimeoutMs: number;
  webhookRetryDelaysMs: number[];
  autoAssign: boolean;
  deliveryLogLimit: number;
  log: (line: string) => void;
}

/** Obviously fake values in the shapes Chatwoot uses. */
export const SANDBOX_DEFAULTS = {
  accountId: 1,
  inboxId: 1,
  apiToken: 'sandbox-api-access-token',
} as const;

const DEFAULT_AGENTS: SimAgentConfig[] = [
  { id: 1, name: 'Sandbox Admin', email: 'admin@example.com', role: 'administrator' },
  { id: 2, name: 'Anna Agent', email: 'anna@example.com', role: 'agent' },
  { id: 3, name: 'Bruno Backup', email: 'bruno@example.com', role: 'agent' },
];

const DEFAULT_TEAMS: SimTeamConfig[] = [
  { id: 1, name: 'support', memberIds: [2, 3] },
  { id: 2, name: 'billing', memberIds: [3] },
];

export function resolveOptions(options: ChatwootSimOptions = {}): ResolvedOptions {
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    accountId: options.accountId ?? SANDBOX_DEFAULTS.accountId,
    accountName: options.accountName ?? 'Sandbox Account',
    inboxId: options.inboxId ?? SANDBOX_DEFAULTS.inboxId,
    inboxName: options.inboxName ?? 'Kore bridge',
    apiToken: options.apiToken ?? SANDBOX_DEFAULTS.apiToken,
    agents: options.agents ?? DEFAULT_AGENTS,
    teams: options.teams ?? DEFAULT_TEAMS,
    webhookSecret: options.webhookSecret,
    signWebhooks: options.signWebhooks ?? true,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 5_000,
    webhookRetryDelaysMs: options.webhookRetryDelaysMs ?? [],
    autoAssign: options.autoAssign ?? false,
    deliveryLogLimit: options.deliveryLogLimit ?? 10_000,
    log: options.log ?? (() => undefined),
  };
}
