import type { FastifyInstance, FastifyRequest } from 'fastify';
import { jsonDepthExceeds, markInputNormalized, mayHoldUnstorableJson, normalizeJsonValue } from '@agent-bridge/botkit';

/**
 * The platform's bodies nest about a dozen levels: a wide margin, far below where JSON.stringify and
 * the recursive code after the parser would hit a RangeError.
 */
export const MAX_JSON_DEPTH = 200;

class BodyRefusedError extends Error {
  readonly statusCode = 400;
}

/**
 * Two cheap checks on the raw text decide whether there is anything to do; only a body that may hold
 * a NUL or a surrogate escape is walked. Parsing stays Fastify's own secure parser.
 */
export function registerJsonBodyParser(fastify: FastifyInstance, bodyLimit: number): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request: FastifyRequest, raw: string | Buffer, done) => {
    const text = typeof raw === 'string' ? raw : raw.toString('utf8');
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      done(new BodyRefusedError(`The body is nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      return;
    }
    parse(request, text, (error, value) => {
      if (error || !mayHoldUnstorableJson(text)) return done(error, value);
      const result = normalizeJsonValue(value);
      if (result.changed.length > 0) markInputNormalized(request, result.changed);
      done(null, result.value);
    });
  });
}
