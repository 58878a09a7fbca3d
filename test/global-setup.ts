import { Client } from 'pg';
import Redis from 'ioredis';

/** Fails the run at once, with a clear message, when Postgres or Redis is not reachable. */
export default async function globalSetup(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const pg = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await pg.connect();
    await pg.query('select 1');
  } catch (error) {
    throw new Error(`e2e tests need PostgreSQL at ${new URL(databaseUrl).host}: ${(error as Error).message}`);
  } finally {
    await pg.end().catch(() => undefined);
  }
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`e2e tests need Redis: ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}
