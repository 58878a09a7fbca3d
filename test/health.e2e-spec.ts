import type { ChildProcess } from 'node:child_process';
import { createTestEnvironment, freePort, testConfig, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import { startBridge, type RunningBridge } from './bridge-harness';
import { BridgeProcess } from './bridge-process';
import { everyWorkerBack, startRedis, stopRedis } from './own-redis';

describe('readiness when Redis goes away and comes back', () => {
  let env: TestEnvironment;
  let port: number;
  let redis: ChildProcess;
  let bridge: RunningBridge;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    // BullMQ prints a queue's or worker's errors with console.error when nobody listens to them.
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void consoleErrors.push(String(args[0])));
    env = await createTestEnvironment('health');
    port = await freePort();
    redis = await startRedis(port);
    bridge = await startBridge(testConfig(env, { redis: { url: `redis://127.0.0.1:${port}`, keyPrefix: env.keyPrefix } }));
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    if (bridge) {
      // A failed test may have left Redis down: bring it back so that the bridge can close.
      if (redis.exitCode !== null || redis.signalCode !== null) redis = await startRedis(port);
      await everyWorkerBack(bridge.app).catch(() => undefined);
      await bridge.close();
    }
    if (redis) await stopRedis(redis);
    await env?.destroy();
  }, 60_000);


  const probe = async (path: string) => {
    const started = Date.now();
    const res = await fetch(`${bridge.url}${path}`, { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: await res.json(), ms: Date.now() - started };
  };

  it('answers 503 at once while Redis is down, stays live, and is ready again when Redis is back', async () => {
    expect((await probe('/health/ready')).status).toBe(200);
    await stopRedis(redis);
    const down = await waitFor('readiness to fail', async () => {
      const res = await probe('/health/ready');
      return res.status === 503 ? res : null;
    });
    // A probe that hangs is as bad as no probe: load balancers time out and give up on the instance anyway.
    expect(down.ms).toBeLessThan(5000);
    expect(down.body).toMatchObject({ status: 'error', error: { redis: { status: 'down' } }, info: { postgres: { status: 'up' } } });
    expect((await probe('/health/live')).status).toBe(200);
    redis = await startRedis(port);
    const up = await waitFor('readiness to come back', async () => {
      const res = await probe('/health/ready');
      return res.status === 200 ? res : null;
    }, 20_000, 200);
    expect(up.body).toMatchObject({ status: 'ok', info: { postgres: { status: 'up' }, redis: { status: 'up' } } });
    await everyWorkerBack(bridge.app);
  }, 60_000);

  it('exits within STOP_TIMEOUT_SECONDS of a SIGTERM while Redis is away, saying why', async () => {
    const ownPort = await freePort();
    let own = await startRedis(ownPort);
    const bridgeProcess = BridgeProcess.forTest(env, String(await freePort()), {
      REDIS_URL: `redis://127.0.0.1:${ownPort}`,
      REDIS_KEY_PREFIX: `${env.keyPrefix}:stop`,
      STOP_TIMEOUT_SECONDS: '3',
    });
    await bridgeProcess.start();
    try {
      await stopRedis(own);
      await new Promise((resolve) => setTimeout(resolve, 500)); // every connection has noticed
      const started = Date.now();
      // BullMQ's Worker.close() waits for Redis forever here (taskforcesh/bullmq#4656).
      expect(await bridgeProcess.stop('SIGTERM', 20_000)).toBe(1);
      expect(Date.now() - started).toBeLessThan(8000);
      expect(bridgeProcess.logs()).toContain('agent-bridge: not stopped after 3 s (is Postgres or Redis unreachable?); exiting');
    } finally {
      await bridgeProcess.stop('SIGKILL');
      own = await startRedis(ownPort);
      await stopRedis(own);
    }
  }, 60_000);

  it('reports connection errors through the log, rate-limited, not on the console', () => {
    // The outage above raised many connection errors a second on every queue and worker.
    expect(consoleErrors).toEqual([]);
  });
});
