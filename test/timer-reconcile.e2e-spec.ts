import type { ChildProcess } from 'node:child_process';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { ConversationRepository } from '@agent-bridge/handoff';
import { type Conversation } from '@agent-bridge/desk-port';
import { registry } from '@agent-bridge/observability';
import { QUEUES } from '@agent-bridge/queue';
import { createTestEnvironment, freePort, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { TimerReconcilerService } from '../libs/handoff/src/timers/timer-reconciler.service';
import { timerKeys } from '../libs/handoff/src/timers/session-timers.service';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { LoopbackDesk } from './loopback-desk.client';
import { startRedis, stopRedis } from './own-redis';

const bot = TEST_BOT.botId;
const INACTIVITY_S = 40;
const QUEUE_TIMEOUT_S = 40;

describe('timers reconciled from Postgres after Redis lost its data (own Redis, FLUSHALL)', () => {
  let env: TestEnvironment;
  let redisServer: ChildProcess;
  let redis: Redis;
  let bridge: RunningBridge;
  let sim: PlatformSim;
  let desk: LoopbackDesk;
  let conversations: ConversationRepository;
  let db: DataSource;
  let sessions: Queue;

  beforeAll(async () => {
    env = await createTestEnvironment('timer_reconcile');
    const port = await freePort();
    redisServer = await startRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    redis = new Redis(url);
    bridge = await startBridge(testConfig(env, {
      redis: { url, keyPrefix: env.keyPrefix },
      // No periodic pass within the test: whatever restores a timer here is the start-up, the watch or a reconnect.
      handoff: { keepaliveIntervalSeconds: 2, inactivityTimeoutSeconds: INACTIVITY_S, queueTimeoutSeconds: QUEUE_TIMEOUT_S, reconcileIntervalSeconds: 86_400 },
    }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    desk = new LoopbackDesk(bridge.url);
    conversations = bridge.app.get(ConversationRepository);
    db = bridge.app.get(DataSource);
    sessions = bridge.app.get<Queue>(getQueueToken(QUEUES.sessions), { strict: false });
  });
  afterAll(async () => {
    await sim?.stop();
    await bridge?.close();
    redis?.disconnect();
    if (redisServer) await stopRedis(redisServer);
    await env?.destroy();
  });

  async function handOff(user: string, join: boolean): Promise<{ conversation: Conversation; ref: string }> {
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: user });
    const chat = await desk.chatFor(user, 30_000);
    if (join) {
      expect(await desk.join(chat.ref)).toBe(200);
      await sim.waitForDelivered(bot, user, 2, 30_000);
    }
    const conversation = await waitFor(`${user} ${join ? 'assigned' : 'queued'}`, async () => {
      const c = await conversations.findActive(bot, user);
      return c?.state === (join ? 'assigned' : 'queued') ? c : null;
    }, 30_000);
    return { conversation, ref: chat.ref };
  }

  const keepaliveNext = async (id: string) => (await sessions.getJobScheduler(timerKeys.keepalive(id)))?.next ?? null;
  const inactivityJob = (id: string) => sessions.getDeduplicationJobId(timerKeys.inactivity(id));
  const closed = (id: string) => waitFor(`session ${id} closed`, async () => {
    const c = await conversations.findById(id);
    return c?.state === 'closed' ? c : null;
  }, 50_000, 100);
  const restored = async (timer: string) => (await registry.getSingleMetric('ab_timers_restored_total')!.get()).values.find((v) => v.labels.timer === timer)?.value ?? 0;

  it('restores every open session\'s keep-alive, inactivity and queue timeout, and re-queues pending outboxes, within 60 s', async () => {
    const keep = await handOff('u-keep', true);
    const idle = await handOff('u-idle', true);
    const wait = await handOff('u-wait', false);
    for (const { conversation } of [keep, idle]) {
      await waitFor('timers armed', async () => (await keepaliveNext(conversation.id)) && (await inactivityJob(conversation.id)));
    }
    await waitFor('queue timeout armed', () => sessions.getJob(timerKeys.queueTimeout(wait.conversation.id)));

    // With every timer in place a reconcile changes nothing: no job is added again or moved.
    const before = { next: await keepaliveNext(keep.conversation.id), inactivity: await inactivityJob(keep.conversation.id) };
    const noop = await bridge.app.get(TimerReconcilerService).run();
    expect(noop).toMatchObject({ keepalive: 0, inactivity: 0, queueTimeout: 0, drains: 0 });
    expect(noop.sessions).toBeGreaterThanOrEqual(3);
    expect({ next: await keepaliveNext(keep.conversation.id), inactivity: await inactivityJob(keep.conversation.id) }).toEqual(before);

    // The loopback desk keeps its chats in this same Redis: put u-keep's back after the flush, as a real desk would still have it.
    const deskKeys = await redis.keys(`${env.keyPrefix}:loopback:chat:*`);
    const deskChats = await Promise.all(deskKeys.map(async (k) => [k, (await redis.get(k))!] as const));
    const restoredBefore = { keepalive: await restored('keepalive'), inactivity: await restored('inactivity'), queue: await restored('queue_timeout') };

    // Sessions as older ones would be (the jobs already in Redis keep their own delays until the flush):
    // u-idle quiet for 30 s (its deadline 10 s away), u-wait queued an hour ago (its deadline long past).
    await db.query(`UPDATE conversations SET last_activity_at = now() - interval '30 seconds' WHERE id = $1`, [idle.conversation.id]);
    await db.query(`UPDATE conversations SET opened_at = now() - interval '1 hour' WHERE id = $1`, [wait.conversation.id]);
    await db.query(`UPDATE conversation_transitions SET at = now() - interval '1 hour' WHERE conversation_id = $1`, [wait.conversation.id]);

    await redis.flushall();
    const flushedAt = Date.now();
    for (const [k, v] of deskChats) await redis.set(k, v);
    expect(await keepaliveNext(keep.conversation.id)).toBeNull();
    expect(await inactivityJob(idle.conversation.id)).toBeNull();
    expect(await sessions.getJob(timerKeys.queueTimeout(wait.conversation.id))).toBeUndefined();
    for (const { conversation } of [keep, idle, wait]) expect((await conversations.findById(conversation.id))!.state).not.toBe('closed');

    // A message each way stored while the drains were lost.
    await db.query(
      `INSERT INTO transcript_messages (conversation_id, direction, author, text, external_id, delivery_state)
       VALUES ($1, 'to_user', 'agent', 'stored while Redis was emptied', 'lost-1', 'pending'),
              ($1, 'to_agent', 'user', 'also stored then', 'lost-2', 'pending')`,
      [keep.conversation.id],
    );
    const extendsBefore = sim.calls({ fn: 'extendRequestId', userId: 'u-keep' }).length;

    // Healed by itself: the timers are back...
    await waitFor('keep-alive and inactivity timers back', async () => (await keepaliveNext(keep.conversation.id)) && (await inactivityJob(keep.conversation.id)), 60_000, 200);
    expect(Date.now() - flushedAt).toBeLessThan(60_000);
    // ...and fire: the keep-alive reaches the platform again...
    await sim.waitForCalls({ fn: 'extendRequestId', userId: 'u-keep' }, extendsBefore + 2, 30_000);
    // ...the pending messages go out both ways while the session is still open...
    expect(await sim.waitForDelivered(bot, 'u-keep', 3, 30_000)).toContain('stored while Redis was emptied');
    expect(await desk.waitForMessages(keep.ref, 1, 30_000)).toEqual(['also stored then']);
    expect((await conversations.findById(keep.conversation.id))!.state).toBe('assigned');
    // ...the past-due queue timeout at once, and the inactivity timeout at its deadline from the last activity, not later.
    const waited = await closed(wait.conversation.id);
    expect(waited.closeReason).toBe('queue_timeout');
    expect(waited.closedAt!.getTime() - flushedAt).toBeLessThan(60_000);
    const idled = await closed(idle.conversation.id);
    expect(idled.closeReason).toBe('inactivity');
    expect(idled.closedAt!.getTime() - idled.lastActivityAt.getTime()).toBeGreaterThanOrEqual(INACTIVITY_S * 1000 - 1000);
    expect(idled.closedAt!.getTime() - flushedAt).toBeLessThan(INACTIVITY_S * 1000);
    await sim.waitForCalls({ fn: 'clearAgentSession', userId: 'u-wait' }, 1, 20_000);
    expect(sim.delivered(bot, 'u-idle').pop()).toMatch(/without activity/);

    expect(await restored('keepalive')).toBeGreaterThanOrEqual(restoredBefore.keepalive + 3);
    expect(await restored('inactivity')).toBeGreaterThanOrEqual(restoredBefore.inactivity + 3);
    expect(await restored('queue_timeout')).toBeGreaterThanOrEqual(restoredBefore.queue + 1);
  }, 180_000);

  it('runs a reconcile as soon as its Redis connection comes back, not at the next periodic pass (a failover may lose the last writes only)', async () => {
    const lost = await handOff('u-failover', true);
    await waitFor('keep-alive armed', () => keepaliveNext(lost.conversation.id));
    // A partial loss: this session's keep-alive is gone, the reconcile's own scheduler is not (the 10 s watch sees nothing amiss).
    expect(await sessions.removeJobScheduler(timerKeys.keepalive(lost.conversation.id))).toBe(true);
    expect(await keepaliveNext(lost.conversation.id)).toBeNull();
    const restoredBefore = await restored('keepalive');
    // Every client is dropped, as a restart or a failover would: the bridge reconnects by itself.
    const killed = Number(await redis.client('KILL', 'TYPE', 'normal'));
    expect(killed).toBeGreaterThan(1);
    await waitFor('keep-alive back after the reconnect', () => keepaliveNext(lost.conversation.id), 60_000, 200);
    expect(await restored('keepalive')).toBeGreaterThanOrEqual(restoredBefore + 1);
  }, 120_000);
});
