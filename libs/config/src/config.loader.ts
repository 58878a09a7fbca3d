import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { JWT_ALGORITHMS, type AppConfig, type BotCredentials, type ContextField, type JwtAlgorithm, type LogLevel } from './config.types';
import { readRedis } from './redis-settings';
import { checkBotHandoff, DEFAULT_MESSAGES, deriveLinkSecret, parseKeywords, parseToneRules } from './handoff-settings';

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/** Every problem found in the environment, each naming its variable, so one start-up shows them all. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  string(name: string, fallback?: string): string {
    const raw = this.env[name];
    if (raw === undefined || raw.trim() === '') {
      if (fallback === undefined) this.problems.push(`${name} is required`);
      return fallback ?? '';
    }
    return raw.trim();
  }

  optional(name: string): string | undefined {
    const raw = this.env[name]?.trim();
    return raw ? raw : undefined;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  /** An IANA time zone name, as Intl knows it. */
  timeZone(name: string, fallback: string): string {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: raw });
      return raw;
    } catch {
      this.problems.push(`${name} must be a time zone such as Europe/Paris (got "${raw}")`);
      return fallback;
    }
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.optional(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(raw)) return true;
    if (['false', '0', 'no', 'off'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  }

  url(name: string, fallback: string, protocols: string[]): string {
    const raw = this.string(name, fallback);
    try {
      const url = new URL(raw);
      if (!protocols.includes(url.protocol)) throw new Error('protocol');
    } catch {
      this.problems.push(`${name} must be a ${protocols.join(' or ')} URL (got "${redactUrl(raw)}")`);
    }
    return raw;
  }
}

/** Hides a password in a URL so that a config error never prints a secret. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return raw.replace(/:[^:@/]*@/, ':***@');
  }
}

function readBotsFile(path: string, problems: string[], defaultAlgorithm: JwtAlgorithm): Record<string, BotCredentials> {
  let parsed: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    parsed = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    problems.push(`BOTS_FILE could not be read as JSON or YAML (${path}): ${(error as Error).message}`);
    return {};
  }
  const bots = (parsed as { bots?: unknown } | null)?.bots;
  if (!bots || typeof bots !== 'object' || Array.isArray(bots)) {
    problems.push(`BOTS_FILE must hold a "bots" map of bot id -> { clientId, clientSecret, jwtAlgorithm? } (${path})`);
    return {};
  }
  const result: Record<string, BotCredentials> = {};
  for (const [botId, entry] of Object.entries(bots as Record<string, unknown>)) {
    const e = (entry ?? {}) as Record<string, unknown>;
    const algorithm = e.jwtAlgorithm ?? defaultAlgorithm;
    if (typeof e.clientId !== 'string' || !e.clientId || typeof e.clientSecret !== 'string' || !e.clientSecret) {
      problems.push(`BOTS_FILE: bot "${botId}" needs a non-empty clientId and clientSecret`);
      continue;
    }
    if (!JWT_ALGORITHMS.includes(algorithm as JwtAlgorithm)) {
      problems.push(`BOTS_FILE: bot "${botId}" jwtAlgorithm must be one of ${JWT_ALGORITHMS.join(', ')}`);
      continue;
    }
    const handoff = checkBotHandoff(botId, e.handoff);
    problems.push(...handoff.problems);
    result[botId] = { clientId: e.clientId, clientSecret: e.clientSecret, jwtAlgorithm: algorithm as JwtAlgorithm, handoff: handoff.value };
  }
  return result;
}

const CONTEXT_PATH = /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/;
const MAX_CONTEXT_FIELDS = 30;

/** `Label=dotted.path,other.path`: the label is optional (the path shows instead). */
function readContextFields(r: EnvReader): ContextField[] {
  const raw = r.optional('CONSOLE_CONTEXT_FIELDS');
  if (raw === undefined) return [];
  const fields: ContextField[] = [];
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    const at = entry.lastIndexOf('=');
    const label = (at < 0 ? entry : entry.slice(0, at)).trim();
    const path = (at < 0 ? entry : entry.slice(at + 1)).trim();
    if (!CONTEXT_PATH.test(path) || !label || label.length > 60) {
      r.problems.push(`CONSOLE_CONTEXT_FIELDS must be comma-separated "Label=dotted.path" entries such as "Language=session.BotUserSession.lang" (got "${entry}")`);
      continue;
    }
    fields.push({ label, path });
  }
  if (fields.length > MAX_CONTEXT_FIELDS) r.problems.push(`CONSOLE_CONTEXT_FIELDS lists ${fields.length} fields; at most ${MAX_CONTEXT_FIELDS}`);
  return fields;
}

function handoffProviders(global: string, bots: Record<string, BotCredentials>): Set<string> {
  return new Set([global, ...Object.values(bots).flatMap((b) => (b.handoff?.provider ? [b.handoff.provider] : []))]);
}

/** LiveChat settings are required only when a bot hands off to LiveChat. */
function readLiveChat(r: EnvReader, providers: Set<string>): AppConfig['livechat'] {
  const v3 = providers.has('livechat');
  const v2 = providers.has('livechat-v2');
  const need = (name: string, when: boolean): string => (when ? r.string(name) : (r.optional(name) ?? ''));
  const group = r.optional('LIVECHAT_GROUP_ID');
  if (group !== undefined && !/^\d+$/.test(group)) r.problems.push(`LIVECHAT_GROUP_ID must be a group number (got "${group}")`);
  return {
    apiUrl: r.url('LIVECHAT_API_URL', 'https://api.livechatinc.com', ['http:', 'https:']).replace(/\/$/, ''),
    accountsUrl: r.url('LIVECHAT_ACCOUNTS_URL', 'https://accounts.livechat.com', ['http:', 'https:']).replace(/\/$/, ''),
    organizationId: need('LIVECHAT_ORGANIZATION_ID', v3),
    clientId: need('LIVECHAT_CLIENT_ID', v3),
    clientSecret: need('LIVECHAT_CLIENT_SECRET', v3),
    refreshToken: need('LIVECHAT_REFRESH_TOKEN', v3),
    webhookSecret: need('LIVECHAT_WEBHOOK_SECRET', v3),
    groupId: group !== undefined && /^\d+$/.test(group) ? Number(group) : null,
    licenseId: need('LIVECHAT_LICENSE_ID', v2),
    v2PollSeconds: r.int('LIVECHAT_V2_POLL_SECONDS', 5, 1, 25),
    v2PollConcurrency: r.int('LIVECHAT_V2_POLL_CONCURRENCY', 20, 1, 500),
    closeGraceMs: r.int('LIVECHAT_CLOSE_GRACE_MS', 2000, 0, 60_000),
  };
}

/** A webhook path secret: long enough not to be guessed, and nothing a URL path would alter. */
const PATH_SECRET = /^[A-Za-z0-9._~-]{16,}$/;

/** Chatwoot settings are required only when a bot hands off to Chatwoot; a set value is checked either way. */
function readChatwoot(r: EnvReader, providers: Set<string>): AppConfig['chatwoot'] {
  const used = providers.has('chatwoot');
  const rawUrl = used ? r.string('CHATWOOT_URL') : r.optional('CHATWOOT_URL');
  const url = rawUrl ? r.url('CHATWOOT_URL', rawUrl, ['http:', 'https:']) : '';
  const id = (name: string): number => {
    const raw = used ? r.string(name) : r.optional(name);
    if (raw === undefined || raw === '') return 0;
    if (!/^[1-9]\d{0,9}$/.test(raw)) r.problems.push(`${name} must be a positive number (got "${raw}")`);
    return Number(raw) || 0;
  };
  const webhookSecret = used ? r.string('CHATWOOT_WEBHOOK_SECRET') : (r.optional('CHATWOOT_WEBHOOK_SECRET') ?? '');
  if (webhookSecret && !PATH_SECRET.test(webhookSecret)) {
    r.problems.push('CHATWOOT_WEBHOOK_SECRET must be at least 16 characters of A-Z, a-z, 0-9, ".", "_", "~" or "-" (it is a segment of the webhook URL)');
  }
  return {
    url: url.replace(/\/+$/, ''),
    accountId: id('CHATWOOT_ACCOUNT_ID'),
    inboxId: id('CHATWOOT_INBOX_ID'),
    apiToken: used ? r.string('CHATWOOT_API_TOKEN') : (r.optional('CHATWOOT_API_TOKEN') ?? ''),
    webhookSecret,
    signingSecret: r.optional('CHATWOOT_WEBHOOK_SIGNING_SECRET') ?? null,
  };
}

export function loadConfig(env: Env = process.env): AppConfig {
  const r = new EnvReader(env);
  const port = r.int('PORT', 3000, 0, 65535);
  const jwtAlgorithm = r.oneOf('KORE_JWT_ALGORITHM', JWT_ALGORITHMS, 'HS256');
  const clientId = r.optional('KORE_CLIENT_ID');
  const clientSecret = r.optional('KORE_CLIENT_SECRET');
  const botsFile = r.optional('BOTS_FILE');
  const bots = botsFile ? readBotsFile(botsFile, r.problems, jwtAlgorithm) : {};
  if (Boolean(clientId) !== Boolean(clientSecret)) {
    r.problems.push(`${clientId ? 'KORE_CLIENT_SECRET' : 'KORE_CLIENT_ID'} is required when ${clientId ? 'KORE_CLIENT_ID' : 'KORE_CLIENT_SECRET'} is set`);
  } else if (!clientId && Object.keys(bots).length === 0 && !botsFile) {
    r.problems.push('KORE_CLIENT_ID and KORE_CLIENT_SECRET are required (the BotKit app credentials), unless BOTS_FILE lists per-bot credentials');
  }
  let apiPrefix = r.optional('API_PREFIX') ?? '';
  if (apiPrefix && !/^(\/[A-Za-z0-9._~-]+)+$/.test(apiPrefix.replace(/\/$/, ''))) {
    r.problems.push(`API_PREFIX must be a path such as /botkit (got "${apiPrefix}")`);
  }
  apiPrefix = apiPrefix.replace(/\/$/, '');

  const toneRulesText = r.string('TONE_RULES', 'angry:2');
  const toneRules = parseToneRules(toneRulesText);
  if (!toneRules) r.problems.push(`TONE_RULES must look like "angry:2,disgust:3" (got "${toneRulesText}")`);
  const secretSeed = clientSecret ?? Object.values(bots)[0]?.clientSecret ?? 'agent-bridge';

  const config: AppConfig = {
    port,
    publicUrl: r.url('PUBLIC_URL', `http://localhost:${port}`, ['http:', 'https:']).replace(/\/$/, ''),
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    stopTimeoutSeconds: r.int('STOP_TIMEOUT_SECONDS', 25, 1, 600),
    database: { url: r.url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/agent_bridge', ['postgres:', 'postgresql:']) },
    redis: readRedis(r),
    kore: {
      defaultCredentials: clientId && clientSecret ? { clientId, clientSecret, jwtAlgorithm } : null,
      bots,
      apiPrefix,
      allowApiKey: r.bool('KORE_ALLOW_APIKEY', false),
      requestTimeoutMs: r.int('KORE_REQUEST_TIMEOUT_MS', 10_000, 100, 120_000),
      savedDataTtlSeconds: r.int('SAVED_DATA_TTL_SECONDS', 3600, 1, 30 * 86400),
      webhookTimeoutMs: r.int('WEBHOOK_TIMEOUT_MS', 25_000, 100, 300_000),
    },
    handoff: {
      provider: r.string('HANDOFF_PROVIDER', 'console'),
      keepaliveIntervalSeconds: r.int('KEEPALIVE_INTERVAL_SECONDS', 240, 1, 3600),
      reconcileIntervalSeconds: r.int('TIMER_RECONCILE_INTERVAL_SECONDS', 300, 10, 86400),
      inactivityTimeoutSeconds: r.int('INACTIVITY_TIMEOUT_SECONDS', 900, 1, 7 * 86400),
      queueTimeoutSeconds: r.int('QUEUE_TIMEOUT_SECONDS', 600, 1, 7 * 86400),
      toneEscalation: r.bool('TONE_ESCALATION', true),
      toneRules: toneRules ?? [],
      toneDebounceSeconds: r.int('TONE_DEBOUNCE_SECONDS', 600, 0, 7 * 86400),
      keywords: parseKeywords(r.optional('ESCALATION_KEYWORDS') ?? ''),
      endCommand: r.string('END_COMMAND', 'clearagent'),
      messages: DEFAULT_MESSAGES,
      historyLinkSecret: r.optional('HISTORY_LINK_SECRET') ?? deriveLinkSecret(secretSeed),
      historyLinkTtlSeconds: r.int('HISTORY_LINK_TTL_SECONDS', 86400, 60, 30 * 86400),
      recentMessages: r.int('HANDOFF_RECENT_MESSAGES', 10, 0, 100),
      csatWindowSeconds: r.int('CSAT_WINDOW_SECONDS', 900, 10, 7 * 86400),
      reportsTimeZone: r.timeZone('REPORTS_TIME_ZONE', 'UTC'),
      loopbackSecret: r.optional('LOOPBACK_SECRET') ?? null,
    },
    ops: {
      password: r.optional('OPS_PASSWORD') ?? null,
      metricsToken: r.optional('METRICS_TOKEN') ?? null,
      waitAlertSeconds: r.int('OPS_WAIT_ALERT_SECONDS', 120, 1, 86400),
    },
    console: {
      tokenSecret: r.optional('CONSOLE_TOKEN_SECRET') ?? deriveLinkSecret(`${secretSeed}/console`),
      tokenTtlSeconds: r.int('CONSOLE_TOKEN_TTL_SECONDS', 3600, 60, 7 * 86400),
      autoAssign: r.bool('CONSOLE_AUTO_ASSIGN', true),
      disconnectGraceSeconds: r.int('CONSOLE_DISCONNECT_GRACE_SECONDS', 30, 1, 3600),
      contextFields: readContextFields(r),
    },
    livechat: readLiveChat(r, handoffProviders(r.optional('HANDOFF_PROVIDER') ?? 'console', bots)),
    chatwoot: readChatwoot(r, handoffProviders(r.optional('HANDOFF_PROVIDER') ?? 'console', bots)),
    workers: {
      enabled: r.bool('RUN_WORKERS', true),
      concurrency: r.int('WORKER_CONCURRENCY', 50, 1, 1000),
    },
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/** For entry points: the config, or exit 78 (EX_CONFIG) with every problem printed. */
export function loadConfigOrExit(env: Env = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return process.exit(78);
  }
}
