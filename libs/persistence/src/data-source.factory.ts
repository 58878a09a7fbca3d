import { DataSource, type DataSourceOptions, type MixedList } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';

export interface DataSourceSettings {
  url: string;
  entities?: MixedList<string | Function>;
  poolSize?: number;
  applicationName?: string;
}

/** The one place TypeORM is configured: never `synchronize`, migrations from the root migrations/ folder. */
export function dataSourceOptions(settings: DataSourceSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities: settings.entities ?? [],
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: { max: settings.poolSize ?? 20, application_name: settings.applicationName ?? 'agent-bridge' },
  };
}

export function createDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource(dataSourceOptions(settings));
}
