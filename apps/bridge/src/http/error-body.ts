import { randomUUID } from 'node:crypto';
import { HttpException, Logger } from '@nestjs/common';
import { SdkError } from '@agent-bridge/botkit';
import { correlationId } from '@agent-bridge/observability';

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
