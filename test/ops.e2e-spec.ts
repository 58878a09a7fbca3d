import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { AgentRepository, hashPassword } from '@agent-bridge/console';
import { QUEUES } from '@agent-bridge/queue';
import { createTestEnvironment, testConfig, TEST_BOT, waitFor, LOOPBACK_SECRET, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { LoopbackDesk } from './loopback-desk.client';

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('ops: health, metrics, the ops page and the queue dashboard', () => {
  let env: TestEnvironment;
  let bridge: RunningBridge;
  let sim: PlatformSim;

  beforeAll(async () => {
    env = await createTestEnvironment('ops');
    bridge = await startBridge(testConfig(env, { ops: { waitAlertSeconds: 1 } }));
    sim = await startSim(bridge.url, [simBot(TEST_BOT.botId, TEST_BOT)]);
    const agents = bridge.app.get(AgentRepository);
    await agents.create({ email: 'boss@example.com', name: 'Boss', role: 'supervisor', passwordHash: await hashPassword('boss password') });
    await agents.create({ email: 'al@example.com', name: 'Al', role: 'agent', passwordHash: await hashPassword('al password') });
  });
  afterAll(async () => {
    await sim?.stop();
    await bridge?.close();
    await env?.destroy();
  });

  const get = (path: string, authorization?: string) => fetch(`${bridge.url}${path}`, { headers: authorization ? { authorization } : {} });

  it('answers the health probes without authentication', async () => {
    expect(await (await get('/health/live')).json()).toEqual({ status: 'ok' });
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      info: { postgres: { status: 'up' }, redis: { status: 'up' } },
      error: {},
      details: { postgres: { status: 'up' }, redis: { status: 'up' } },
    });
  });

  it('carries a correlation id on every response, and keeps the caller\'s', async () => {
    const res = await fetch(`${bridge.url}/health/live`, { headers: { 'x-request-id': 'trace-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-123');
    expect((await get('/nowhere')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves Prometheus metrics to the metrics token, ops and supervisors only', async () => {
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/metrics', 'Bearer wrong')).status).toBe(401);
    expect((await get('/metrics', basic('al@example.com', 'al password'))).status).toBe(401); // agents are not ops
    // The scraper's token reads /metrics and nothing else.
    for (const path of ['/ops', '/ops/api/summary', '/ops/queues', '/ops/queues/api/queues']) {
      expect((await get(path, 'Bearer test-metrics-token')).status).toBe(401);
    }
    await sim.sendEvent({ botId: TEST_BOT.botId, event: 'on_agent_transfer', userId: 'u-ops' });
    await sim.waitForDelivered(TEST_BOT.botId, 'u-ops', 1);
    const text = await waitFor('a transfer counted', async () => {
      const body = await (await get('/metrics', 'Bearer test-metrics-token')).text();
      return body.includes('ab_transfers_total{trigger="agent_transfer",provider="loopback"} 1') ? body : null;
    });
    expect(text).toMatch(/ab_sessions\{state="queued",provider="loopback"\} 1/);
    expect(text).toMatch(/ab_webhook_ack_seconds_count\{event="on_agent_transfer"\} 1/);
    expect(text).toMatch(/ab_messages_relayed_total\{direction="to_user",provider="loopback"\} [1-9]/);
    expect(text).toMatch(/ab_queue_jobs\{queue="botkit-events",state="waiting"\}/);
    expect(text).toMatch(/ab_relay_seconds_count\{direction="to_user",provider="loopback"\} [1-9]/);
    // This bridge runs the workers: every queue has one.
    expect(text).toMatch(/ab_queue_workers\{queue="handoff-sessions"\} [1-9]/);
    expect(text).toMatch(/ab_lane_dead_letters_open 0/);
  });

  it('shows the ops page, with an alert for a long wait, to ops and supervisors', async () => {
    expect((await get('/ops')).status).toBe(401);
    expect((await get('/ops')).headers.get('www-authenticate')).toMatch(/^Basic/);
    await new Promise((resolve) => setTimeout(resolve, 1200)); // u-ops has now waited past the 1 s alert
    for (const auth of [basic('ops', 'test-ops-password'), basic('boss@example.com', 'boss password')]) {
      const res = await get('/ops', auth);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('agent-bridge: hand-offs');
      expect(html).toMatch(/role="alert">A user has waited \d+ s/);
    }
    const summary = await (await get('/ops/api/summary', basic('ops', 'test-ops-password'))).json();
    expect(summary.waiting.count).toBeGreaterThanOrEqual(1);
    expect(summary.sessions).toEqual(expect.arrayContaining([{ provider: 'loopback', state: 'queued', count: 1 }]));
    expect(summary.queues.map((q: { queue: string }) => q.queue)).toContain('handoff-delivery');
    expect(summary.noWorker).toEqual([]);
    expect(summary.deadLetters).toEqual({ open: 0, recent: [] });
  });

  it('shows a delivery the desk refused, and the desk\'s error rate, without the message text', async () => {
    const ops = basic('ops', 'test-ops-password');
    const desk = new LoopbackDesk(bridge.url);
    await sim.sendEvent({ botId: TEST_BOT.botId, event: 'on_agent_transfer', userId: 'u-ops-refused' });
    await desk.chatFor('u-ops-refused');
    await desk.setFaults({ rejectMessages: 1 });
    // A sentinel no number can contain: /metrics is mostly numbers, and a digit string can turn up by chance.
    await sim.sendEvent({ botId: TEST_BOT.botId, event: 'on_user_message', userId: 'u-ops-refused', message: 'card zq-secret-sentinel 4111 1111 1111 1111' });
    const summary = await waitFor('the refused delivery listed', async () => {
      const body = await (await get('/ops/api/summary', ops)).json();
      return body.failedDeliveries.length > 0 ? body : null;
    });
    expect(summary.failedDeliveries).toEqual([
      { conversationId: expect.any(String), provider: 'loopback', direction: 'to_agent', at: expect.any(String), error: expect.stringMatching(/refused/) },
    ]);
    const loopback = summary.providers.find((p: { provider: string }) => p.provider === 'loopback');
    expect(loopback).toMatchObject({ errors: 1 });
    expect(loopback.calls).toBeGreaterThan(loopback.errors);
    expect(loopback.errorRate).toBeCloseTo(1 / loopback.calls);
    expect(loopback.meanMs).toEqual(expect.any(Number));
    const page = await (await get('/ops', ops)).text();
    expect(page).toContain(summary.failedDeliveries[0].conversationId);
    expect(page).not.toContain('zq-secret-sentinel');
    const metrics = await (await get('/metrics', 'Bearer test-metrics-token')).text();
    expect(metrics).toMatch(/ab_delivery_failures_total\{direction="to_agent",provider="loopback"\} 1/);
    expect(metrics).not.toContain('zq-secret-sentinel');
  });

  it('puts the queue dashboard behind the same sign-in', async () => {
    expect((await get('/ops/queues')).status).toBe(401);
    const page = await get('/ops/queues', basic('ops', 'test-ops-password'));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('agent-bridge queues');
    const api = await get('/ops/queues/api/queues', basic('boss@example.com', 'boss password'));
    expect(api.status).toBe(200);
    expect(JSON.stringify(await api.json())).toContain('botkit-events');
    expect((await get('/ops/queues/api/queues')).status).toBe(401);
    // The same routes spelled differently are behind the same sign-in.
    for (const path of ['/ops/queue%73/api/queues', '/%6Fps/queues/api/queues', '/ops/queues/api/queues/', '/ops/queues/api/queues?x=1']) {
      expect([path, (await get(path)).status]).toEqual([path, 401]);
    }
  });

  it('retries and cleans failed jobs from the queue dashboard, and changes nothing else', async () => {
    const ops = basic('ops', 'test-ops-password');
    const put = (path: string, body?: unknown) =>
      fetch(`${bridge.url}/ops/queues/api/queues/${path}`, {
        method: 'PUT',
        headers: { authorization: ops, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const queue = bridge.app.get<Queue>(getQueueToken(QUEUES.console), { strict: false });
    // A job no worker knows fails for good at once: a real failed job in a real queue.
    const failing = await queue.add('no-such-job', {}, { attempts: 1 });
    await waitFor('a failed job', async () => ((await queue.getJobState(failing.id!)) === 'failed' ? true : null));
    const delayed = await queue.add('no-such-job', {}, { delay: 3_600_000 });

    // Not allowed: anything that would lose or forge hand-off work. Each answers 403 and changes nothing.
    const refused: Array<[string, string, unknown?]> = [
      ['PUT', `${QUEUES.console}/clean/delayed`],
      ['PUT', `${QUEUES.console}/retry/completed`],
      ['PUT', `${QUEUES.console}/empty`],
      ['PUT', `${QUEUES.console}/obliterate`],
      ['PUT', `${QUEUES.console}/pause`],
      ['PUT', `${QUEUES.console}/promote`],
      ['PUT', `${QUEUES.console}/${delayed.id}/clean`],
      ['PUT', `${QUEUES.console}/${delayed.id}/promote`],
      ['POST', `${QUEUES.console}/add`, { name: 'forged', data: {} }],
      ['PATCH', `${QUEUES.console}/${delayed.id}/update-data`, { jobData: {} }],
      ['PUT', 'pause'],
    ];
    for (const [method, path, body] of refused) {
      const res = await fetch(`${bridge.url}/ops/queues/api/queues/${path}`, {
        method,
        headers: { authorization: ops, 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
      expect([method, path, res.status]).toEqual([method, path, 403]);
      expect((await res.json()).errors[0].msg).toMatch(/may retry failed jobs and clean failed or completed ones/);
    }
    expect(await queue.getJobState(delayed.id!)).toBe('delayed');
    expect(await queue.isPaused()).toBe(false);
    expect(await queue.getJobCounts('failed')).toEqual({ failed: 1 });

    // Retry of the queue's failed jobs: the job runs again (and, still unknown, fails again).
    expect((await put(`${QUEUES.console}/retry/failed`)).status).toBeLessThan(300);
    await waitFor('the job retried', async () => ((await queue.getJob(failing.id!))?.attemptsStarted === 2 && (await queue.getJobState(failing.id!)) === 'failed' ? true : null));
    // Retry of that one job, then clean of that one job.
    expect((await put(`${QUEUES.console}/${failing.id}/retry`)).status).toBeLessThan(300);
    await waitFor('the job retried again', async () => ((await queue.getJob(failing.id!))?.attemptsStarted === 3 && (await queue.getJobState(failing.id!)) === 'failed' ? true : null));
    expect((await put(`${QUEUES.console}/${failing.id}/clean`)).status).toBeLessThan(300);
    expect(await queue.getJob(failing.id!)).toBeUndefined();
    // Clean of the queue's failed jobs: bull-board keeps those that failed in the last 5 s.
    const another = await queue.add('no-such-job', {}, { attempts: 1 });
    await waitFor('another failed job', async () => ((await queue.getJobState(another.id!)) === 'failed' ? true : null));
    await waitFor('failed jobs cleaned', async () => {
      expect((await put(`${QUEUES.console}/clean/failed`)).status).toBeLessThan(300);
      return (await queue.getJob(another.id!)) === undefined ? true : null;
    }, 12_000, 1000);
    expect(await queue.getJobState(delayed.id!)).toBe('delayed');
    await delayed.remove();
  }, 30_000);

  it('keeps the loopback desk closed to callers without its secret', async () => {
    expect((await get('/providers/loopback/chats')).status).toBe(401);
    expect((await fetch(`${bridge.url}/providers/loopback/chats`, { headers: { 'x-loopback-secret': LOOPBACK_SECRET } })).status).toBe(200);
  });
});
