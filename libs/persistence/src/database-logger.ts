import { Logger as NestLogger } from '@nestjs/common';
import type { Logger as TypeOrmLogger, QueryRunner } from 'typeorm';

/** Quoted parts of a Postgres message are values, unless they name a schema object. */
const QUOTED_VALUE = /(?<!\b(?:constraint|relation|column|table|index|type|function|encoding|database|role|schema) )"[^"]*"/gi;

/** Never the query's parameters: they hold message text, payloads and emails. */
export function describeQueryError(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message.replace(QUOTED_VALUE, '"…"').replace(/\u0000/g, '') : 'unknown error';
  return `${typeof code === 'string' ? `${code} ` : ''}${text}`;
}

/** Not TypeORM's console logger, which prints each failed query with its parameters. */
export class DatabaseLogger implements TypeOrmLogger {
  private readonly logger = new NestLogger('Database');

  logQuery(): void {}

  logQueryError(error: string | Error, _query: string, _parameters?: unknown[], _runner?: QueryRunner): void {
    this.logger.warn(`query failed: ${describeQueryError(typeof error === 'string' ? { message: error } : error)}`);
  }

  logQuerySlow(time: number): void {
    this.logger.warn(`slow query: ${time} ms`);
  }

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.debug(String(message));
  }
}
