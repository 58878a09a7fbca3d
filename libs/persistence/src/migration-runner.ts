import { createDataSource } from './data-source.factory';
import { ensureDatabase } from './ensure-database';

// Any fixed 64-bit key works; it only has to be the same for every instance of the service.
const MIGRATION_LOCK_KEY = 7_160_021_155;

export interface MigrationReport {
  applied: string[];
}

/** Under an advisory lock, so instances starting together run them once: the others wait, then find nothing pending. */
export async function runMigrations(databaseUrl: string): Promise<MigrationReport> {
  await ensureDatabase(databaseUrl);
  // Two connections: one holds the lock while the migrations run on the other.
  const dataSource = createDataSource({ url: databaseUrl, poolSize: 2, applicationName: 'agent-bridge-migrate' });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return { applied: applied.map((m) => m.name) };
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}

export async function revertLastMigration(databaseUrl: string): Promise<void> {
  const dataSource = createDataSource({ url: databaseUrl, poolSize: 1, applicationName: 'agent-bridge-migrate' });
  await dataSource.initialize();
  try {
    await dataSource.undoLastMigration({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}
