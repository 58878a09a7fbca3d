export { RedisModule, REDIS, RedisKeys } from './redis.module';
export { DatabaseModule } from './database.module';
export { createDataSource, dataSourceOptions } from './data-source.factory';
export type { DataSourceSettings } from './data-source.factory';
export { runMigrations, revertLastMigration } from './migration-runner';
export { ensureDatabase } from './ensure-database';
export type { MigrationReport } from './migration-runner';
export { hotQuery } from './hot-query';
export { RedisBatch } from './redis-batch';
