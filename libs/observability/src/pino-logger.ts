import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import type { LogLevel } from '@agent-bridge/config';
import { correlationId } from './correlation';

/** Log calls carry ids, never payloads: redaction is the second line of defence for tokens, secrets and message text. */
export const REDACT_PATHS = [
  'token', 'auth', 'authorization', 'apikey', 'password', 'secret', 'clientSecret', 'secret_key', 'access_token', 'refresh_token',
  'message', 'text', 'body', 'context',
  '*.token', '*.auth', '*.authorization', '*.apikey', '*.password', '*.secret', '*.clientSecret', '*.secret_key', '*.access_token', '*.text', '*.message', '*.body',
  'headers.authorization', 'headers.token', 'headers.auth', 'headers.apikey', 'headers.cookie',
];

export function createPino(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'agent-bridge' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const id = correlationId();
        return id ? { correlationId: id } : {};
      },
    },
    destination,
  );
}

/**
 * Nest's boot chatter: a line per module, route and socket event (about a hundred at start-up). Kept at
 * debug, so `info` shows what an operator acts on; `LOG_LEVEL=debug` brings them back.
 */
const NEST_BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'WebSocketsController']);

export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write(context && NEST_BOOT_CONTEXTS.has(context) ? 'debug' : 'info', message, context);
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ logger: context, ...(trace ? { trace } : {}) }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  private write(level: 'info' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, context?: string): void {
    // `logger`, not `context`: `context` is redacted (it is the name of BotKit's user context).
    if (typeof message === 'object' && message !== null) this.logger[level]({ logger: context, ...message });
    else this.logger[level]({ logger: context }, String(message));
  }
}
