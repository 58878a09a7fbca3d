import { DataSource, type DataSourceOptions, type MixedList } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { DatabaseLogger } from './database-logger';

export interface DataSourceSettings {
  url: string;
  entities?: MixedList<string | Function>;
  poolSize?: number;
  applicationName?: string;
}

/** The one place TypeORM is configured: the schema changes through migrations only. */
export function dataSourceOptions(settings: DataSourceSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities: settings.entities ?? [],
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['error', 'warn', 'migration'],
    logger: new DatabaseLogger(),
    extra: {
      max: settings.poolSize ?? 20,
      application_name: settings.applicationName ?? 'agent-bridge',
      // pg closes idle connections after 10 s by default: traffic after a lull then pays for new
      // connections (and re-prepares the hot statements) just when a burst arrives.
      idleTimeoutMillis: 120_000,
    },
  };
}

export function createDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource(dataSourceOptions(settings));
}
