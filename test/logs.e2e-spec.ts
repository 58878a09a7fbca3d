import { Writable } from 'node:stream';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type Redis from 'ioredis';
import { ConfigModule } from '@agent-bridge/config';
import { createPino, PinoLoggerService } from '@agent-bridge/observability';
import { createDataSource, REDIS, RedisModule } from '@agent-bridge/persistence';
import { createTestEnvironment, freePort, testConfig, waitFor, type TestEnvironment } from '@agent-bridge/testing';

/** Everything written to stdout, stderr and the service logger while `run` runs. */
async function captureOutput(run: (logged: () => string, logger: PinoLoggerService) => Promise<void>): Promise<{ logged: string; console: string }> {
  const lines: string[] = [];
  const consoleOut: string[] = [];
  const logger = new PinoLoggerService(createPino('debug', new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) })));
  Logger.overrideLogger(logger);
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const spy = (chunk: unknown): boolean => (consoleOut.push(String(chunk)), true);
  process.stdout.write = spy as typeof process.stdout.write;
  process.stderr.write = spy as typeof process.stderr.write;
  try {
    await run(() => lines.join(''), logger);
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    Logger.overrideLogger(new ConsoleLogger());
  }
  return { logged: lines.join(''), console: consoleOut.join('') };
}

describe('logs', () => {
  let env: TestEnvironment;

  beforeAll(async () => {
    env = await createTestEnvironment('logs');
  });

  afterAll(async () => {
    await env.destroy();
  });

  it('a failing query is logged through the service logger, without its parameters', async () => {
    const dataSource = createDataSource({ url: env.databaseUrl, poolSize: 1 });
    await dataSource.initialize();
    const secret = 'my card is 4111 1111, mail me at someone@example.com';
    try {
      const out = await captureOutput(async () => {
        // Postgres refuses a NUL byte in text: the query fails with its parameters in hand.
        await expect(dataSource.query('SELECT $1::text AS t', [`${secret}\u0000`])).rejects.toThrow();
        await expect(dataSource.query('SELECT $1::uuid AS id', [secret])).rejects.toThrow();
      });
      expect(out.logged).toContain('query failed: 22021');
      expect(out.logged).toContain('query failed: 22P02');
      expect(out.logged + out.console).not.toMatch(/4111|someone@example\.com|card/);
      expect(out.console).toBe('');
    } finally {
      await dataSource.destroy();
    }
  });

  it('a Redis client that cannot connect reports through the service logger, not "[ioredis] Unhandled error event"', async () => {
    const port = await freePort(); // nothing listens there
    const config = testConfig(env, { redis: { url: `redis://127.0.0.1:${port}`, keyPrefix: env.keyPrefix } });
    const out = await captureOutput(async (logged, logger) => {
      // The testing module would install its own logger (errors only) over ours.
      const module = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), RedisModule] }).setLogger(logger).compile();
      const redis = module.get<Redis>(REDIS);
      try {
        await waitFor('a connection error in the log', () => logged().includes('ECONNREFUSED'), 10_000);
        // A few reconnection attempts later still nothing reached the console.
        await waitFor('the client reconnecting', () => redis.status === 'reconnecting', 10_000);
      } finally {
        redis.disconnect();
        await module.close();
      }
    });
    expect(out.logged).toMatch(/"logger":"Connections".*redis: .*ECONNREFUSED/);
    expect(out.console).not.toContain('[ioredis]');
    expect(out.console).toBe('');
  });
});
