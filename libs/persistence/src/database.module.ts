import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { dataSourceOptions } from './data-source.factory';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(entities: Type[] = []): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({ ...dataSourceOptions({ url: config.database.url, entities }) }),
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
