export { registry, metrics, timedProviderCall } from './metrics';
export { correlationId, withCorrelation, enterCorrelation } from './correlation';
export { createPino, PinoLoggerService, REDACT_PATHS } from './pino-logger';
export { ConnectionErrors } from './connection-errors';
