'use strict';
// Many open sessions, each with its keep-alive job scheduler and inactivity job: the bridge's resident
// memory and CPU while they tick, and how late each keep-alive reaches the platform (extendRequestId)
// against its due time in BullMQ. Baselines in the same run: the same bridge idle with no session, and
// a bare BullMQ process with the same number of schedulers doing the same keep-alive call.
const { startBridge } = require('../lib/bridge');
const { observe, redisUsedMb, schedulerDueTimes } = require('../lib/observe');
const { summarize } = require('../lib/stats');
const { sleep } = require('../lib/clock');
const { forkPlatform, forkLiveChat, liveChatEnv, registerWebhooks, openDeskSessions, range } = require('./shared');

/** Lateness of each extendRequestId against the scheduler grid (due, due + every, ...), and the misses. */
function keepaliveLateness(calls, dueByUser, everyMs, window) {
  const late = [];
  const statuses = {};
  let unmatched = 0;
  const seen = new Set();
  for (const c of calls) {
    statuses[c.status] = (statuses[c.status] || 0) + 1;
    const due0 = dueByUser.get(c.userId);
    if (due0 === undefined) {
      unmatched++;
      continue;
    }
    const k = Math.round((c.at - due0) / everyMs);
    const due = due0 + k * everyMs;
    late.push(c.at - due);
    seen.add(`${c.userId}@${due}`);
  }
  // Every firing due inside the window (minus a margin for the last ones in flight) must have arrived.
  let expected = 0;
  let missed = 0;
  for (const [user, due0] of dueByUser) {
    for (let due = due0; due < window.end - 2000; due += everyMs) {
      if (due < window.start) continue;
      expected++;
      if (!seen.has(`${user}@${due}`)) missed++;
    }
  }
  return { latenessMs: summarize(late), min: late.length ? late.reduce((a, b) => Math.min(a, b)) : null, calls: calls.length, statuses, unmatched, expected, missed };
}

async function measureKeepalives(ctx, { platform, redisUrl, repeatKey, userOfScheduler, everyMs, ms, pid, pids }) {
  const start = Date.now();
  const dueByUser = new Map();
  for (const [scheduler, due] of await schedulerDueTimes(redisUrl, repeatKey)) {
    const user = userOfScheduler(scheduler);
    if (user) dueByUser.set(user, due);
  }
  const window = await observe({ pid, pids, redisPid: ctx.machine.redis.pid, ms });
  const end = Date.now();
  await sleep(1500); // the last firings' HTTP calls
  const calls = await platform.rpc.call('calls', { fn: 'extendRequestId', sinceMs: start });
  return { schedulers: dueByUser.size, ...window, keepalive: keepaliveLateness(calls.filter((c) => c.at <= end + 1500), dueByUser, everyMs, { start, end }) };
}

async function sessionsStage(ctx) {
  const o = ctx.opts.sessions;
  const everyMs = o.everySeconds * 1000;
  const children = ctx.newChildren();
  let bridge = null;
  try {
    const platform = await forkPlatform(ctx, children, 'platform-sim/sessions');
    const livechat = await forkLiveChat(ctx, children, 'livechat-sim/sessions');
    bridge = await startBridge(ctx, children, 'sessions', { ...liveChatEnv(livechat), KEEPALIVE_INTERVAL_SECONDS: String(o.everySeconds) });
    await platform.rpc.call('setBridgeUrl', bridge.url);
    await registerWebhooks(ctx, livechat, `${bridge.url}/webhooks/livechat`);
    await sleep(2000);
    const pids = { bridge: bridge.pid, 'platform-sim': platform.pid, 'livechat-sim': livechat.pid };
    ctx.log(`sessions: bridge idle for ${o.idleMs / 1000} s`);
    const idle = await observe({ pid: bridge.pid, pids, redisPid: ctx.machine.redis.pid, ms: o.idleMs });
    const redisBefore = await redisUsedMb(ctx.env.redisUrl);
    const users = range(o.count, (i) => `s-${i}`);
    ctx.log(`sessions: opening ${o.count} LiveChat sessions (${o.transferRate}/s)`);
    const opened = await openDeskSessions(ctx, { platform, desk: livechat, bridge, users, concurrency: 20, ratePerSecond: o.transferRate, timeoutMs: o.timeoutMs });
    ctx.log(`sessions: ${o.count} sessions open in ${opened.seconds} s; observing for ${o.windowMs / 1000} s`);
    await sleep(3000);
    const conversationUser = new Map((await bridge.query('SELECT id, visitor_key FROM conversations')).map((r) => [`keepalive.${r.id}`, r.visitor_key]));
    const loaded = await measureKeepalives(ctx, {
      platform,
      redisUrl: ctx.env.redisUrl,
      repeatKey: `${bridge.keyPrefix}:bull:handoff-sessions:repeat`,
      userOfScheduler: (s) => conversationUser.get(s),
      everyMs,
      ms: o.windowMs,
      pid: bridge.pid,
      pids,
    });
    const redisAfter = await redisUsedMb(ctx.env.redisUrl);
    const [{ open }] = await bridge.query(`SELECT count(*)::int AS open FROM conversations WHERE state <> 'closed'`);
    await bridge.close();
    bridge = null;

    ctx.log(`sessions: baseline, ${o.count} bare BullMQ keep-alive schedulers`);
    await platform.rpc.call('issue', { ridPrefix: 'ms-ka', seqStart: 0, count: o.count, users });
    const databaseUrl = ctx.env.databaseUrl('timers');
    await ctx.env.createDatabase(databaseUrl);
    const keyPrefix = ctx.env.keyPrefix('timers');
    const config = { redisUrl: ctx.env.redisUrl, keyPrefix, queueName: 'keepalive', databaseUrl, simUrl: platform.info.url, botId: ctx.bot.botId, clientId: ctx.bot.clientId, clientSecret: ctx.bot.clientSecret };
    const timers = await children.fork('baseline-timers', 'baseline-timers.worker.js', { env: { BENCH_TIMERS_CONFIG: JSON.stringify(config) } });
    const created = await timers.rpc.call('start', { sessions: users.map((user, i) => ({ user, rid: `ms-ka-${i}` })), everyMs, concurrency: 50 });
    await sleep(3000);
    const baseline = await measureKeepalives(ctx, {
      platform,
      redisUrl: ctx.env.redisUrl,
      repeatKey: `${keyPrefix}:keepalive:repeat`,
      userOfScheduler: (s) => (s.startsWith('ka.') ? s.slice(3) : null),
      everyMs,
      ms: o.windowMs,
      pid: timers.pid,
      pids: { 'baseline-timers': timers.pid, 'platform-sim': platform.pid },
    });
    baseline.counters = await timers.rpc.call('counters');
    baseline.createSeconds = created.seconds;
    await timers.rpc.call('stop');
    return {
      sessions: o.count,
      openAfterWindow: open,
      everySeconds: o.everySeconds,
      inactivitySeconds: 900,
      setupSeconds: opened.seconds,
      idle,
      loaded,
      redisMb: { before: redisBefore, after: redisAfter },
      baseline,
    };
  } finally {
    await bridge?.close();
    await children.stopAll();
  }
}

module.exports = { sessionsStage, keepaliveLateness };
