import { HttpException } from '@nestjs/common';
import Redis from 'ioredis';
import { Client } from 'pg';
import { freePort } from '@agent-bridge/testing';
import { toErrorAnswer } from './error-body';

/** Real client errors against a port nothing listens on: what an outage throws, not a hand-made copy. */
describe('error answers', () => {
  it('a Postgres that refuses connections is a 503 with Retry-After, in the documented shape', async () => {
    const client = new Client({ connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/x` });
    const error = await client.connect().then(() => null, (e: unknown) => e);
    const answer = toErrorAnswer(error);
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect(answer.body).toEqual({ errors: [{ msg: expect.any(String), code: 'SERVICE_UNAVAILABLE' }] });
  });

  it('a Redis command that ran out of retries is a 503', async () => {
    const redis = new Redis(`redis://127.0.0.1:${await freePort()}`, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    redis.on('error', () => undefined);
    try {
      const error = await redis.get('x').then(() => null, (e: unknown) => e);
      expect((error as Error).name).toBe('MaxRetriesPerRequestError');
      expect(toErrorAnswer(error).status).toBe(503);
    } finally {
      redis.disconnect();
    }
  });

  it('a closed Redis connection is a 503', async () => {
    const redis = new Redis(`redis://127.0.0.1:${await freePort()}`, { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    redis.on('error', () => undefined);
    const error = await redis.get('x').then(() => null, (e: unknown) => e);
    expect(toErrorAnswer(error).status).toBe(503);
    redis.disconnect();
  });

  it('Postgres refusing a value from the request is a 400; anything unknown a 500 with an error id', () => {
    expect(toErrorAnswer(Object.assign(new Error('invalid input syntax for type uuid'), { code: '22P02' })).status).toBe(400);
    expect(toErrorAnswer(new HttpException('nope', 404)).status).toBe(404);
    const answer = toErrorAnswer(new TypeError('x is not a function'));
    expect(answer.status).toBe(500);
    expect(answer.body.errors[0]).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', errorId: expect.any(String) });
  });
});
