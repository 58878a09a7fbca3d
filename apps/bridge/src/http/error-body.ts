import { randomUUID } from 'node:crypto';
import { HttpException, Logger } from '@nestjs/common';
import { SdkError } from '@agent-bridge/botkit';
import { correlationId } from '@agent-bridge/observability';
import { classifyFailure } from '@agent-bridge/persistence';

export const OUTAGE_RETRY_AFTER_SECONDS = 5;

export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: { errors: Array<{ msg: string; code: string | number; errorId?: string }> };
}

const logger = new Logger('HttpErrors');

const FASTIFY_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * One mapping from any error to the documented shape `{"errors":[{"msg","code"}]}`. Client errors
 * keep their status; anything unexpected is a 500 that carries an error id and never its internals.
 */
export function toErrorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof SdkError && error.status < 500) {
    return { status: error.status, headers: error.headers, body: error.body() };
  }
  if (error instanceof HttpException && error.getStatus() < 500) {
    const status = error.getStatus();
    const response = error.getResponse();
    const msg = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? error.message);
    return { status, headers: {}, body: { errors: [{ msg, code: FASTIFY_CODES[status] ?? status }] } };
  }
  // Fastify's own errors (body too large, malformed JSON, bad content type) carry a 4xx statusCode.
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const msg = statusCode === 413 ? 'Request body is larger than 1 MB' : (error as Error).message;
    return { status: statusCode, headers: {}, body: { errors: [{ msg, code: FASTIFY_CODES[statusCode] ?? statusCode }] } };
  }
  const failure = classifyFailure(error);
  if (failure.kind === 'outage') {
    logger.warn(`a store is unavailable: ${failure.code}`);
    return {
      status: 503,
      headers: { 'retry-after': String(OUTAGE_RETRY_AFTER_SECONDS) },
      body: { errors: [{ msg: 'A store the bridge depends on is unavailable; retry shortly', code: 'SERVICE_UNAVAILABLE' }] },
    };
  }
  const input = postgresInputError(error);
  if (input) return { status: 400, headers: {}, body: { errors: [{ msg: input, code: 'BAD_REQUEST' }] } };
  if (error instanceof SdkError) {
    return { status: error.status, headers: {}, body: { errors: [{ msg: error.message, code: error.code }] } };
  }
  const errorId = correlationId() ?? randomUUID();
  logger.error(`unhandled error ${errorId}: ${(error as Error)?.stack ?? String(error)}`);
  return {
    status: 500,
    headers: {},
    body: { errors: [{ msg: 'Internal Server Error', code: 'INTERNAL_SERVER_ERROR', errorId }] },
  };
}

// Postgres refusing a value that came from the request: the caller's error, not ours.
const PG_INPUT_ERRORS: Record<string, string> = {
  '22P02': 'A value has the wrong format',
  '22021': 'A value holds characters that cannot be stored',
  '22001': 'A value is too long',
  '22003': 'A number is out of range',
  '54001': 'The request is too complex',
};

function postgresInputError(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? PG_INPUT_ERRORS[code] : undefined;
}
