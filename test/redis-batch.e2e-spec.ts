import { createServer, connect, type Server, type Socket } from 'node:net';
import Redis from 'ioredis';
import { classifyFailure, NotReplicatedError, RedisBatch } from '@agent-bridge/persistence';
import { createTestEnvironment, type TestEnvironment } from '@agent-bridge/testing';

/**
 * RedisBatch on the real Redis, seen on the wire: a loopback relay between the client and Redis
 * records every chunk the client writes.
 */
describe('RedisBatch (commands of one event-loop turn in one write)', () => {
  let env: TestEnvironment;
  let relay: Server;
  let redis: Redis & { abTestAppend(key: string, value: string): Promise<number>; abTestSpin(key: string, ms: number): Promise<number> };
  const chunks: string[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment('redis_batch');
    const target = new URL(env.redisUrl);
    relay = createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      sockets.push(client, upstream);
      client.on('data', (data) => {
        chunks.push(data.toString('latin1'));
        upstream.write(data);
      });
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const port = (relay.address() as { port: number }).port;
    redis = new Redis({ host: '127.0.0.1', port, db: Number(target.pathname.slice(1) || 0), maxRetriesPerRequest: 1 }) as typeof redis;
    redis.defineCommand('abTestAppend', { numberOfKeys: 1, lua: `return redis.call('RPUSH', KEYS[1], ARGV[1])` });
    // Holds Redis for ARGV[1] ms, then answers 1.
    redis.defineCommand('abTestSpin', {
      numberOfKeys: 1,
      lua: `local t = redis.call('TIME') local start = t[1] * 1000 + t[2] / 1000
        repeat t = redis.call('TIME') until t[1] * 1000 + t[2] / 1000 - start >= tonumber(ARGV[1])
        return 1`,
    });
    await redis.ping();
  });
  afterAll(async () => {
    await redis?.quit();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => relay?.close(resolve));
    await env?.destroy();
  });

  const key = (name: string): string => `${env.keyPrefix}:${name}`;

  it('sends the commands of one turn in one write and answers each in order', async () => {
    const batch = new RedisBatch(redis);
    // A script's first use on a connection sends its source (EVAL); measured from the second on.
    await redis.abTestAppend(key('warm'), 'x');
    chunks.length = 0;
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => batch.call(i % 2 ? 'incr' : 'abTestAppend', i % 2 ? [key('counter')] : [key('list'), `item-${i}`])));
    const written = [...chunks];
    expect(replies).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? (i + 1) / 2 : i / 2 + 1)));
    expect(await redis.lrange(key('list'), 0, -1)).toEqual(Array.from({ length: 10 }, (_, i) => `item-${i * 2}`));
    expect(written).toHaveLength(1);
    expect(written[0]!.match(/\*\d+\r\n/g)).toHaveLength(20);
  });

  it('sends a lone command as it is, and the next turn in its own write', async () => {
    const batch = new RedisBatch(redis);
    chunks.length = 0;
    expect(await batch.call('set', [key('lone'), 'a'])).toBe('OK');
    expect(await batch.call('get', [key('lone')])).toBe('a');
    expect(chunks).toHaveLength(2);
    expect(chunks.every((chunk) => chunk.startsWith('*') && chunk.match(/\*\d+\r\n/g)!.length === 1)).toBe(true);
  });

  it('gathers what comes while the writes in flight are unanswered, and sends it when one is answered', async () => {
    const batch = new RedisBatch(redis, 1);
    await redis.abTestSpin(key('spin'), 30);
    chunks.length = 0;
    const slow = batch.call('abTestSpin', [key('spin'), 30]); // Redis answers it after 30 ms
    await new Promise((resolve) => setTimeout(resolve, 5));
    const first = batch.call('incr', [key('gathered')]);
    await new Promise((resolve) => setImmediate(resolve));
    const second = batch.call('incr', [key('gathered')]);
    expect(await Promise.all([slow, first, second])).toEqual([1, 1, 2]);
    expect(chunks.map((chunk) => chunk.match(/\*\d+\r\n/g)!.length)).toEqual([1, 2]);
  });

  it('fails only the command that failed', async () => {
    const batch = new RedisBatch(redis);
    await redis.set(key('text'), 'not a number');
    const results = await Promise.allSettled([batch.call('incr', [key('n')]), batch.call('incr', [key('text')]), batch.call('incr', [key('n')])]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toMatch(/not an integer/);
    expect((results[2] as PromiseFulfilledResult<unknown>).value).toBe(2);
  });

  it('fails every command of the batch when the connection cannot take it', async () => {
    const offline = new Redis({ host: '127.0.0.1', port: (relay.address() as { port: number }).port, lazyConnect: true, enableOfflineQueue: false });
    offline.on('error', () => undefined);
    const batch = new RedisBatch(offline);
    const results = await Promise.allSettled([batch.call('incr', [key('x')]), batch.call('incr', [key('y')])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await redis.exists(key('x'), key('y'))).toBe(0);
    offline.disconnect();
  });

  it('ends a batch holding a durable write with one WAIT, and fails only that write (retryable, with its reply) when too few replicas have it', async () => {
    // One replica more than this Redis has: the WAIT can never be met.
    const replicas = Number(/connected_slaves:(\d+)/.exec(await redis.info('replication'))?.[1] ?? 0) + 1;
    const batch = new RedisBatch(redis, 2, { replicas, timeoutMs: 20 });
    chunks.length = 0;
    const results = await Promise.allSettled([batch.call('incr', [key('plain')]), batch.call('incr', [key('durable')], true)]);
    expect(chunks.join('').match(/WAIT/gi)).toHaveLength(1);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 1 });
    const { reason } = results[1] as PromiseRejectedResult;
    expect(reason).toBeInstanceOf(NotReplicatedError);
    // Stored on this Redis all the same: the sender is refused and retries, and is deduplicated then.
    expect(reason.value).toBe(1);
    expect(classifyFailure(reason)).toEqual({ kind: 'outage', code: 'NOT_REPLICATED' });
    // No durable call, no WAIT.
    chunks.length = 0;
    await batch.call('incr', [key('plain')]);
    expect(chunks.join('')).not.toMatch(/WAIT/i);
  });
});
