import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import Redis from 'ioredis';
import { DEFAULT_MESSAGES, type AppConfig, type BotCredentials, type HandoffConfig } from '@agent-bridge/config';
import { runMigrations } from '@agent-bridge/persistence';

const BASE_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestEnvironment {
  databaseUrl: string;
  redisUrl: string;
  keyPrefix: string;
  /** Drops the database and deletes every Redis key under the prefix. */
  destroy(): Promise<void>;
}

/**
 * One per test file: files never see each other's rows, jobs or keys, and a failed run leaves
 * nothing that changes the next one.
 */
export async function createTestEnvironment(label: string): Promise<TestEnvironment> {
  const suffix = `${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const url = new URL(BASE_DATABASE_URL);
  url.pathname = `/ab_test_${suffix}`;
  const databaseUrl = url.toString();
  await runMigrations(databaseUrl);
  const keyPrefix = `ab-test:${suffix}`;
  return {
    databaseUrl,
    redisUrl: REDIS_URL,
    keyPrefix,
    async destroy() {
      const admin = new Client({ connectionString: BASE_DATABASE_URL });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "ab_test_${suffix}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
      await deleteKeys(REDIS_URL, `${keyPrefix}:*`);
    },
  };
}

async function deleteKeys(redisUrl: string, pattern: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export const LOOPBACK_SECRET = 'test-loopback-secret';

export const TEST_BOT: { botId: string } & BotCredentials = {
  botId: 'st-a1b2c3d4-0000-5000-8000-000000000001',
  clientId: 'cs-test-app',
  clientSecret: 'test-client-secret-with-enough-entropy',
  jwtAlgorithm: 'HS256',
};

/** A complete config pointing at the test environment; tests override what they exercise. */
export type TestConfigOverrides = Omit<Partial<AppConfig>, 'kore' | 'handoff' | 'livechat' | 'chatwoot' | 'console' | 'ops'> & {
  ops?: Partial<AppConfig['ops']>;
  console?: Partial<AppConfig['console']>;
  kore?: Partial<AppConfig['kore']>;
  handoff?: Partial<HandoffConfig>;
  livechat?: Partial<AppConfig['livechat']>;
  chatwoot?: Partial<AppConfig['chatwoot']>;
};

export function testConfig(env: TestEnvironment, overrides: TestConfigOverrides = {}): AppConfig {
  const { kore, handoff, livechat, chatwoot, console: consoleSettings, ops, ...rest } = overrides;
  return {
    port: 0,
    publicUrl: 'http://127.0.0.1:0',
    logLevel: 'warn',
    stopTimeoutSeconds: 25,
    database: { url: env.databaseUrl },
    redis: { url: env.redisUrl, keyPrefix: env.keyPrefix },
    workers: { enabled: true, concurrency: 20 },
    ...rest,
    kore: {
      defaultCredentials: { clientId: TEST_BOT.clientId, clientSecret: TEST_BOT.clientSecret, jwtAlgorithm: 'HS256' },
      bots: {},
      apiPrefix: '',
      allowApiKey: false,
      requestTimeoutMs: 3000,
      savedDataTtlSeconds: 600,
      webhookTimeoutMs: 3000,
      ...kore,
    },
    handoff: {
      provider: 'loopback',
      keepaliveIntervalSeconds: 240,
      reconcileIntervalSeconds: 300,
      inactivityTimeoutSeconds: 900,
      queueTimeoutSeconds: 600,
      toneEscalation: true,
      toneRules: [{ tone: 'angry', level: 2 }],
      toneDebounceSeconds: 600,
      keywords: [],
      endCommand: 'clearagent',
      messages: DEFAULT_MESSAGES,
      historyLinkSecret: 'test-history-link-secret',
      historyLinkTtlSeconds: 3600,
      recentMessages: 10,
      csatWindowSeconds: 900,
      reportsTimeZone: 'UTC',
      loopbackSecret: LOOPBACK_SECRET,
      ...handoff,
    },
    livechat: {
      apiUrl: 'http://127.0.0.1:1',
      accountsUrl: 'http://127.0.0.1:1',
      organizationId: '',
      clientId: '',
      clientSecret: '',
      refreshToken: '',
      webhookSecret: '',
      groupId: null,
      licenseId: '',
      v2PollSeconds: 1,
      v2PollConcurrency: 20,
      closeGraceMs: 300,
      ...livechat,
    },
    chatwoot: {
      url: 'http://127.0.0.1:1',
      accountId: 1,
      inboxId: 1,
      apiToken: '',
      webhookSecret: '',
      signingSecret: null,
      ...chatwoot,
    },
    ops: { password: 'test-ops-password', metricsToken: 'test-metrics-token', waitAlertSeconds: 120, ...ops },
    console: {
      tokenSecret: 'test-console-token-secret',
      tokenTtlSeconds: 3600,
      autoAssign: false,
      disconnectGraceSeconds: 2,
      ...consoleSettings,
    },
  };
}
