import type { ChildProcess } from 'node:child_process';
import { getQueueToken } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { BotSettingsService, ConversationRepository, DeskTeamsService, HandoffService } from '@agent-bridge/handoff';
import { registry } from '@agent-bridge/observability';
import { QUEUES } from '@agent-bridge/queue';
import { createTestEnvironment, freePort, testConfig, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { BotSettingsAdminService } from '../libs/handoff/src/settings/bot-settings-admin.service';
import { TimerReconcilerService } from '../libs/handoff/src/timers/timer-reconciler.service';
import { simBot, startBridge, startSim, type RunningBridge } from './bridge-harness';
import { LoopbackDesk } from './loopback-desk.client';
import { startRedis, stopRedis } from './own-redis';

const bot = TEST_BOT.botId;
const OVERFLOW_S = 600;

/**
 * A team's overflow and the CSAT answer window live in Redis only; after Redis lost its data (own
 * redis-server, FLUSHALL) they come back from Postgres by themselves, once each.
 */
describe('team overflow and CSAT windows reconciled from Postgres after Redis lost its data', () => {
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
    env = await createTestEnvironment('overflow_csat_reconcile');
    const port = await freePort();
    redisServer = await startRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    redis = new Redis(url);
    // The queue timeout far off: restored too after the flush, it must not close u-wait first.
    bridge = await startBridge(testConfig(env, { redis: { url, keyPrefix: env.keyPrefix }, handoff: { queueTimeoutSeconds: 7200 } }));
    sim = await startSim(bridge.url, [simBot(bot, TEST_BOT)]);
    desk = new LoopbackDesk(bridge.url);
    conversations = bridge.app.get(ConversationRepository);
    db = bridge.app.get(DataSource);
    sessions = bridge.app.get<Queue>(getQueueToken(QUEUES.sessions), { strict: false });
    await bridge.app.get(BotSettingsAdminService).update(bot, { csatEnabled: true, texts: { csatThanks: 'Thanks, noted.' } }, 'test');
    await waitFor('CSAT on', () => bridge.app.get(BotSettingsService).csatEnabled(bot) || null);
  });
  afterAll(async () => {
    await sim?.stop();
    await bridge?.close();
    redis?.disconnect();
    if (redisServer) await stopRedis(redisServer);
    await env?.destroy();
  });

  /** The overflow jobs of a chat, in whatever state. */
  const overflowJobs = async (conversationId: string): Promise<Job[]> =>
    (await sessions.getJobs(['delayed', 'waiting', 'active', 'completed', 'failed'])).filter((j) => j?.name === 'team-overflow' && j.data.conversationId === conversationId);
  const pendingKey = (user: string) => `${env.keyPrefix}:csat-pending:${bot}:${user}`;
  const csatOf = async (id: string) => (await db.query(`SELECT csat_score, csat_at FROM conversations WHERE id = $1`, [id]))[0];
  const toBot = (user: string) => sim.calls({ fn: 'sendBotMessage', userId: user }).map((c) => c.body?.message);
  const restored = async (timer: string) => (await registry.getSingleMetric('ab_timers_restored_total')!.get()).values.find((v) => v.labels.timer === timer)?.value ?? 0;

  /** An agent held the chat and closed it: the rating question went out and its window is open. */
  async function rated(user: string): Promise<string> {
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: user });
    const chat = await desk.chatFor(user, 30_000);
    expect(await desk.join(chat.ref)).toBe(200);
    const { id } = await waitFor(`${user} assigned`, async () => {
      const c = await conversations.findActive(bot, user);
      return c?.state === 'assigned' ? c : null;
    }, 30_000);
    expect(await desk.close(chat.ref)).toBe(200);
    await waitFor(`${user} asked`, () => sim.templates(bot, user)[0], 30_000);
    await waitFor(`${user}'s window open`, async () => (await redis.get(pendingKey(user))) === id || null);
    return id;
  }

  it('re-arms the overflow of a waiting chat (past due: at once) and re-opens the unanswered rating windows, not the given-up one', async () => {
    const teams = bridge.app.get(DeskTeamsService);
    const fallback = await teams.create({ name: 'Fallback' });
    if (typeof fallback === 'string') throw new Error(fallback);
    const first = await teams.create({ name: 'First line', overflowSeconds: OVERFLOW_S, fallbackTeamId: fallback.id });
    if (typeof first === 'string') throw new Error(first);
    await teams.replaceRules([{ botId: null, trigger: null, contextPath: 'session.BotUserSession.line', contextValue: 'first', teamId: first.id }]);

    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-wait', body: { context: { session: { BotUserSession: { line: 'first' } } } } });
    await desk.chatFor('u-wait', 30_000);
    const waiting = await waitFor('u-wait queued in the first line', async () => {
      const c = await conversations.findActive(bot, 'u-wait');
      return c?.state === 'queued' && c.teamId === first.id ? c : null;
    }, 30_000);
    expect((await overflowJobs(waiting.id)).map((j) => j.data.teamId)).toEqual([first.id]);

    const answering = await rated('u-rate');
    const givenUp = await rated('u-else');
    await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-else', message: 'something else' });
    await waitFor('the bot has it', () => toBot('u-else').includes('something else') || null);
    expect(await redis.get(pendingKey('u-else'))).toBeNull();
    expect(await csatOf(givenUp)).toMatchObject({ csat_score: null, csat_at: expect.any(Date) });

    // With everything in place a reconcile adds nothing.
    const noop = await bridge.app.get(TimerReconcilerService).run();
    expect(noop).toMatchObject({ overflow: 0, csat: 0 });
    const ttlBefore = await redis.pttl(pendingKey('u-rate'));

    // The first line's overflow time cut to 1 s (in Postgres only: the job in Redis keeps its delay):
    // rebuilt from Postgres, u-wait's overflow is past due.
    await db.query(`UPDATE teams SET overflow_seconds = 1 WHERE id = $1`, [first.id]);
    const deskChats = await Promise.all((await redis.keys(`${env.keyPrefix}:loopback:chat:*`)).map(async (k) => [k, (await redis.get(k))!] as const));
    const before = { overflow: await restored('team_overflow'), csat: await restored('csat_window') };

    await redis.flushall();
    const flushedAt = Date.now();
    for (const [k, v] of deskChats) await redis.set(k, v);
    expect(await overflowJobs(waiting.id)).toEqual([]);
    expect(await redis.get(pendingKey('u-rate'))).toBeNull();

    // Healed by itself: the overflow fires at once and moves the chat to the fallback team...
    const moved = await waitFor('u-wait overflowed to the fallback team', async () => {
      const c = await conversations.findById(waiting.id);
      return c?.teamId === fallback.id ? c : null;
    }, 60_000, 200);
    expect(moved.state).toBe('queued');
    expect(Date.now() - flushedAt).toBeLessThan(60_000);
    const [transition] = await db.query(`SELECT reason, actor FROM conversation_transitions WHERE conversation_id = $1 ORDER BY id DESC LIMIT 1`, [waiting.id]);
    expect(transition).toEqual({ reason: 'overflow', actor: 'system:overflow' });

    // ...the unanswered question's window is back for what was left of it, the given-up one not.
    await waitFor('u-rate window back', async () => (await redis.get(pendingKey('u-rate'))) === answering || null, 60_000, 200);
    const ttl = await redis.pttl(pendingKey('u-rate'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(ttlBefore);
    expect(await redis.get(pendingKey('u-else'))).toBeNull();
    expect(await restored('team_overflow')).toBeGreaterThanOrEqual(before.overflow + 1);
    expect(await restored('csat_window')).toBeGreaterThanOrEqual(before.csat + 1);

    // A reconcile now changes nothing: the window's key and the overflow already happened.
    expect(await bridge.app.get(TimerReconcilerService).run()).toMatchObject({ csat: 0 });

    // The user's answer is the rating, not the bot's.
    const botBefore = toBot('u-rate').length;
    await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-rate', message: '4' });
    await waitFor('thanked', () => sim.delivered(bot, 'u-rate').at(-1) === 'Thanks, noted.' || null, 30_000);
    expect(await csatOf(answering)).toMatchObject({ csat_score: 4 });
    expect(toBot('u-rate').slice(botBefore)).toEqual([]);
    // u-else's next "3" is the bot's.
    await sim.sendEvent({ botId: bot, event: 'on_user_message', userId: 'u-else', message: '3' });
    await waitFor('3 reached the bot', () => toBot('u-else').includes('3') || null);
    expect((await csatOf(givenUp)).csat_score).toBeNull();
  }, 180_000);

  it('arms a fresh overflow when a chat comes back to the same queue after an agent held it', async () => {
    const teams = bridge.app.get(DeskTeamsService);
    const handoff = bridge.app.get(HandoffService);
    const backup = await teams.create({ name: 'Backup' });
    if (typeof backup === 'string') throw new Error(backup);
    const front = await teams.create({ name: 'Front desk', overflowSeconds: OVERFLOW_S, fallbackTeamId: backup.id });
    if (typeof front === 'string') throw new Error(front);
    await teams.replaceRules([{ botId: null, trigger: null, contextPath: 'session.BotUserSession.line', contextValue: 'front', teamId: front.id }]);
    await sim.sendEvent({ botId: bot, event: 'on_agent_transfer', userId: 'u-back', body: { context: { session: { BotUserSession: { line: 'front' } } } } });
    const queued = await waitFor('u-back queued in the front desk', async () => {
      const c = await conversations.findActive(bot, 'u-back');
      return c?.state === 'queued' && c.teamId === front.id && c.providerRef ? c : null;
    }, 30_000);

    // An agent takes it; its overflow, run now, has nothing to move.
    const assigned = await handoff.assign(queued, { id: 'agent-x', name: 'Xena' }, 'test');
    expect(assigned?.state).toBe('assigned');
    const [spent] = await overflowJobs(queued.id);
    await spent!.promote();
    await waitFor('the first overflow ran', async () => (await sessions.getJob(spent!.id!))?.returnvalue?.skipped === 'not waiting' || null, 30_000);

    // The agent leaves: back in the same queue, it gets an overflow of its own, which moves it.
    const requeued = await handoff.requeue(assigned!, 'test');
    expect(requeued?.teamId).toBe(front.id);
    const fresh = await waitFor('a fresh overflow armed', async () => (await overflowJobs(queued.id)).find((j) => j.id !== spent!.id) ?? null);
    expect(await fresh.isDelayed()).toBe(true);
    await fresh.promote();
    await waitFor('u-back overflowed to the backup team', async () => ((await conversations.findById(queued.id))?.teamId === backup.id) || null, 30_000);
    expect((await conversations.findById(queued.id))!.state).toBe('queued');
  }, 120_000);
});
