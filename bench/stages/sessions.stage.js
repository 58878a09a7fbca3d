'use strict';
// Many open sessions, each with its keep-alive job scheduler and inactivity job: the bridge's resident
// memory and CPU while they tick, Redis memory per session, how late each keep-alive reaches the
// platform (extendRequestId) against its due time in BullMQ, and the time to open them. Baselines in
// the same run: the same bridge idle with no session, and a bare BullMQ process with the same number
// of schedulers doing the same keep-alive call. Both run on a redis-server of the stage's own, so
// that Redis's memory and CPU are theirs alone (the machine's Redis is shared).
// With --sessions-topology=split the timers run in a worker process beside an HTTP-only bridge, and
// both processes' memory is read.
const { startBridge, startWorker, freePort } = require('../lib/bridge');
const { observe, redisMemory, schedulerDueTimes } = require('../lib/observe');
const { summarize } = require('../lib/stats');
const { sleep } = require('../lib/clock');
const { forkPlatform, forkLiveChat, liveChatEnv, registerWebhooks, openDeskSessions, closeDeskSessions, range, dbCounters } = require('./shared');

/** Lateness of each extendRequestId against the scheduler grid (due, due + every, ...), and the misses. */
function keepaliveLateness(calls, dueByUser, everyMs, window, busy = []) {
  const late = [];
  const over1s = [];
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
    if (c.at - due > 1000) over1s.push(due);
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
  return { latenessMs: summarize(late), over1s: lateTimeline(over1s, window, busy), min: late.length ? late.reduce((a, b) => Math.min(a, b)) : null, calls: calls.length, statuses, unmatched, expected, missed };
}

/**
 * Where the keep-alives over 1 s late fell due: by 10 s of the window, and how many while a timer
 * reconcile (the bridge's periodic pass over every open session) held its lock, or in the second before.
 */
function lateTimeline(dues, window, busy) {
  const by10s = {};
  for (const due of dues) {
    const slot = Math.floor((due - window.start) / 10_000) * 10;
    by10s[slot] = (by10s[slot] || 0) + 1;
  }
  const duringReconcile = dues.filter((due) => busy.some(([s, e]) => due >= s - 1000 && due <= e)).length;
  const busyMs = busy.reduce((sum, [s, e]) => sum + (e - s), 0);
  return { count: dues.length, by10s, duringReconcile, reconciles: busy.map(([s, e]) => [s - window.start, e - s]), reconcileShareOfWindow: Math.round((busyMs / (window.end - window.start)) * 1000) / 1000 };
}

/** Intervals ([start, end], epoch ms) during which `key` existed, polled every 20 ms until `stop()`. */
async function watchKey(url, key, stop) {
  if (!key) return [];
  const Redis = require('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  const spans = [];
  let since = null;
  try {
    while (!stop()) {
      const held = (await redis.exists(key)) === 1;
      const now = Date.now();
      if (held && since === null) since = now;
      if (!held && since !== null) {
        spans.push([since, now]);
        since = null;
      }
      await sleep(20);
    }
    if (since !== null) spans.push([since, Date.now()]);
    return spans;
  } finally {
    redis.disconnect();
  }
}

async function measureKeepalives(ctx, { platform, redisUrl, redisPid, repeatKey, userOfScheduler, everyMs, ms, pid, pids, rssOf, lockKey = null }) {
  const start = Date.now();
  const dueByUser = new Map();
  for (const [scheduler, due] of await schedulerDueTimes(redisUrl, repeatKey)) {
    const user = userOfScheduler(scheduler);
    if (user) dueByUser.set(user, due);
  }
  let watching = true;
  const busy = watchKey(redisUrl, lockKey, () => !watching);
  const window = await observe({ pid, pids, redisPid, ms, rssOf }).finally(() => (watching = false));
  const end = Date.now();
  await sleep(1500); // the last firings' HTTP calls
  const calls = await platform.rpc.call('calls', { fn: 'extendRequestId', sinceMs: start });
  return { schedulers: dueByUser.size, ...window, keepalive: keepaliveLateness(calls.filter((c) => c.at <= end + 1500), dueByUser, everyMs, { start, end }, await busy) };
}

/**
 * After opening or closing: the work left over (keep-alives that fell due meanwhile, drains, GC of
 * the heap it grew) must be done before a window starts. At least `settleMs`, and then until the
 * sessions queue has no backlog (a few seconds' worth of keep-alives at most).
 */
async function settle(ctx, { redisUrl, queueKey, settleMs }) {
  const started = Date.now();
  await sleep(settleMs);
  const Redis = require('ioredis');
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  try {
    for (;;) {
      const waiting = (await redis.llen(`${queueKey}:wait`)) + (await redis.llen(`${queueKey}:active`));
      if (waiting <= 50 || Date.now() - started > settleMs + 600_000) return { seconds: (Date.now() - started) / 1000, backlog: waiting };
      await sleep(1000);
    }
  } finally {
    redis.disconnect();
  }
}

/** The stage's own redis-server (children/redis-server.host.js), at the machine Redis's hz unless BENCH_REDIS_HZ says otherwise. */
async function ownRedis(ctx, children) {
  const port = await freePort();
  const hz = process.env.BENCH_REDIS_HZ || String(ctx.machine.redis.hz || 10);
  const host = await children.fork('redis-server/sessions', 'redis-server.host.js', { env: { BENCH_REDIS_PORT: String(port), BENCH_REDIS_HZ: hz } });
  return { url: host.info.url, pid: host.info.pid, hz: host.info.hz };
}

/** Commands Redis ran, by command (INFO commandstats), and in all. */
async function redisCommands(url) {
  const Redis = require('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  try {
    const byCommand = {};
    for (const m of (await redis.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) byCommand[m[1]] = Number(m[2]);
    return byCommand;
  } finally {
    redis.disconnect();
  }
}

/** Work per session opened: Redis commands (by command) and Postgres transactions, from the counters' growth. */
function perOpened(before, after, count) {
  const redis = {};
  let total = 0;
  for (const [cmd, n] of Object.entries(after.redis)) {
    const d = n - (before.redis[cmd] || 0);
    if (d <= 0) continue;
    total += d;
    redis[cmd] = Math.round((d / count) * 10) / 10;
  }
  return { redisCommands: Math.round((total / count) * 10) / 10, redisByCommand: redis, pgTransactions: Math.round(((after.pg.xacts - before.pg.xacts) / count) * 10) / 10 };
}

/** Redis memory taken per session: the growth of used_memory from before the sessions to with them. */
function perSession(before, after, count) {
  return { before, after, bytesPerSession: Math.round((after.usedBytes - before.usedBytes) / count), keysPerSession: Math.round(((after.keys - before.keys) / count) * 100) / 100 };
}

async function sessionsStage(ctx) {
  const o = ctx.opts.sessions;
  const everyMs = o.everySeconds * 1000;
  const children = ctx.newChildren();
  let bridge = null;
  let worker = null;
  try {
    const redis = await ownRedis(ctx, children);
    // The calls read back are the keep-alives of one window (and 1.5 s after): the ring holds those with
    // room to spare. A ring of 400,000 whole records grew the sim's heap past 600 MB, where its
    // scavenges alone took over 100 ms, pauses the stage would count as the bridge's lateness.
    const maxRecordedCalls = Math.ceil((o.count / o.everySeconds) * (o.windowMs / 1000 + 30) * 1.5) + 10_000;
    const platform = await forkPlatform(ctx, children, 'platform-sim/sessions', { maxRecordedCalls });
    const livechat = await forkLiveChat(ctx, children, 'livechat-sim/sessions');
    const env = {
      ...liveChatEnv(livechat),
      REDIS_URL: redis.url,
      KEEPALIVE_INTERVAL_SECONDS: String(o.everySeconds),
      // Longer than the whole stage: no session may end while they are counted.
      INACTIVITY_TIMEOUT_SECONDS: String(o.inactivitySeconds),
      // Nor may a session wait out its queue timeout while the agent's joins queue behind the hand-offs.
      QUEUE_TIMEOUT_SECONDS: String(o.inactivitySeconds),
    };
    // split: the deployed topology (deploy/), a bridge that serves HTTP and a worker that runs the
    // queues, the keep-alive timers among them; single: one process does both (RUN_WORKERS=true).
    bridge = await startBridge(ctx, children, 'sessions', o.topology === 'split' ? { ...env, RUN_WORKERS: 'false' } : env);
    if (o.topology === 'split') worker = await startWorker(ctx, children, bridge, env, 'worker(sessions)');
    await platform.rpc.call('setBridgeUrl', bridge.url);
    await registerWebhooks(ctx, livechat, `${bridge.url}/webhooks/livechat`);
    await sleep(2000);
    const pids = { bridge: bridge.pid, ...(worker ? { worker: worker.pid } : {}), 'platform-sim': platform.pid, 'livechat-sim': livechat.pid };
    const rssOf = worker ? { worker: worker.pid } : {};
    ctx.log(`sessions: bridge${worker ? ' and worker' : ''} idle for ${o.idleMs / 1000} s (Redis of its own at ${redis.url}, hz ${redis.hz})`);
    const idle = await observe({ pid: bridge.pid, pids, rssOf, redisPid: redis.pid, ms: o.idleMs });
    const redisBefore = await redisMemory(redis.url);
    const workBefore = { redis: await redisCommands(redis.url), pg: await dbCounters(bridge) };
    const users = range(o.count, (i) => `s-${i}`);
    ctx.log(`sessions: opening ${o.count} LiveChat sessions (${o.transferRate ? `${o.transferRate}/s` : 'as fast as they go'}, ${o.concurrency} transfers at a time, at most ${o.inFlight} hand-offs in progress)`);
    let openDone = false;
    const opening = observe({ pid: bridge.pid, pids, rssOf, redisPid: redis.pid, until: () => openDone });
    const opened = await openDeskSessions(ctx, { platform, desk: livechat, bridge, users, concurrency: o.concurrency, ratePerSecond: o.transferRate, timeoutMs: o.timeoutMs, inFlight: o.inFlight }).finally(() => (openDone = true));
    const openWindow = await opening;
    await sleep(11_000); // an idle backend reports its counters after PGSTAT_IDLE_INTERVAL (10 s)
    // Includes the keep-alives that fell due while opening (few, at the full settings' interval) and the stage's own polling queries.
    const work = perOpened(workBefore, { redis: await redisCommands(redis.url), pg: await dbCounters(bridge) }, o.count);
    ctx.log(`sessions: per session opened, ${work.redisCommands} Redis commands, ${work.pgTransactions} Postgres transactions: ${JSON.stringify(work.redisByCommand)}`);
    ctx.log(`sessions: ${o.count} sessions open in ${opened.seconds} s (${Math.round(o.count / opened.seconds)}/s); settling`);
    // This machine's Postgres runs with autovacuum off; a deployment's would have vacuumed the
    // opening's dead rows (two per session) by now. Without it every later read walks them.
    const vacuumed = Date.now();
    await bridge.query('VACUUM (ANALYZE)');
    ctx.log(`sessions: the stage's database vacuumed in ${(Date.now() - vacuumed) / 1000} s`);
    const settled = await settle(ctx, { redisUrl: redis.url, queueKey: `${bridge.keyPrefix}:bull:handoff-sessions`, settleMs: o.settleMs, pid: bridge.pid, pids, redisPid: redis.pid });
    ctx.log(`sessions: settled after ${settled.seconds} s; observing for ${o.windowMs / 1000} s`);
    const conversationUser = new Map((await bridge.query('SELECT id, visitor_key FROM conversations')).map((r) => [`keepalive.${r.id}`, r.visitor_key]));
    const loaded = await measureKeepalives(ctx, {
      platform,
      redisUrl: redis.url,
      redisPid: redis.pid,
      repeatKey: `${bridge.keyPrefix}:bull:handoff-sessions:repeat`,
      userOfScheduler: (s) => conversationUser.get(s),
      lockKey: `${bridge.keyPrefix}:timers:reconcile-lock`,
      everyMs,
      ms: o.windowMs,
      pid: bridge.pid,
      pids,
      rssOf,
    });
    // Logged now: a run stopped during the closing below still leaves its open-sessions figures.
    ctx.log(`sessions: open window: RSS ${JSON.stringify(loaded.rssMb.min)}-${JSON.stringify(loaded.rssMb.max)} MB${worker ? `, worker ${loaded.rssMbOf.worker.min}-${loaded.rssMbOf.worker.max} MB` : ''}, keep-alive lateness ${JSON.stringify(loaded.keepalive.latenessMs)}, `
      + `missed ${loaded.keepalive.missed}/${loaded.keepalive.expected}; over 1 s late: ${JSON.stringify(loaded.keepalive.over1s)}`);
    const redisAfter = await redisMemory(redis.url);
    const [{ open }] = await bridge.query(`SELECT count(*)::int AS open FROM conversations WHERE state <> 'closed'`);

    // The fair baseline: the same bridge after the same work, its sessions closed by the agent through
    // the desk (the product's path: webhook, close, timers stopped, notices), then settled as above.
    ctx.log(`sessions: closing the ${o.count} sessions through the desk`);
    const closed = await closeDeskSessions(ctx, { desk: livechat, bridge, chatOf: opened.chatOf, inFlight: o.closeInFlight, timeoutMs: o.timeoutMs });
    const closedSettle = await settle(ctx, { redisUrl: redis.url, queueKey: `${bridge.keyPrefix}:bull:handoff-sessions`, settleMs: o.settleMs, pid: bridge.pid, pids, redisPid: redis.pid });
    ctx.log(`sessions: closed in ${closed.seconds} s, settled after ${closedSettle.seconds} s; observing the bridge with no session for ${o.windowMs / 1000} s`);
    const afterClose = await observe({ pid: bridge.pid, pids, rssOf, redisPid: redis.pid, ms: o.windowMs });
    const redisClosed = await redisMemory(redis.url);
    await worker?.stop(20_000);
    worker = null;
    await bridge.close();
    bridge = null;

    const result = {
      sessions: o.count,
      topology: o.topology,
      openAfterWindow: open,
      everySeconds: o.everySeconds,
      inactivitySeconds: o.inactivitySeconds,
      redisHz: redis.hz,
      setupSeconds: opened.seconds,
      // How long the platform's on_agent_transfer calls alone took (answered 200), within setupSeconds.
      transferSeconds: opened.transferSeconds,
      openRate: o.count / opened.seconds,
      concurrency: o.concurrency,
      inFlight: o.inFlight,
      idle,
      opening: openWindow,
      work,
      settled,
      loaded,
      closeSeconds: closed.seconds,
      afterClose,
      redis: perSession(redisBefore, redisAfter, o.count),
      // What closed sessions leave in Redis (the lane's 24 h dedupe keys, finished jobs kept by BullMQ).
      redisAfterClose: perSession(redisBefore, redisClosed, o.count),
      baseline: null,
    };
    if (ctx.opts.skipBaseline) return result;

    ctx.log(`sessions: baseline, ${o.count} bare BullMQ keep-alive schedulers`);
    // The bridge's keys go, so that the baseline's own Redis memory can be read the same way.
    await flushOwn(redis.url, ctx.env.redisUrl);
    await platform.rpc.call('issue', { ridPrefix: 'ms-ka', seqStart: 0, count: o.count, users });
    const databaseUrl = ctx.env.databaseUrl('timers');
    await ctx.env.createDatabase(databaseUrl);
    const keyPrefix = ctx.env.keyPrefix('timers');
    const config = { redisUrl: redis.url, keyPrefix, queueName: 'keepalive', databaseUrl, simUrl: platform.info.url, botId: ctx.bot.botId, clientId: ctx.bot.clientId, clientSecret: ctx.bot.clientSecret };
    const timers = await children.fork('baseline-timers', 'baseline-timers.worker.js', { env: { BENCH_TIMERS_CONFIG: JSON.stringify(config) } });
    const timersBefore = await redisMemory(redis.url);
    const created = await timers.rpc.call('start', { sessions: users.map((user, i) => ({ user, rid: `ms-ka-${i}` })), everyMs, concurrency: 50 });
    await sleep(3000);
    const baseline = await measureKeepalives(ctx, {
      platform,
      redisUrl: redis.url,
      redisPid: redis.pid,
      repeatKey: `${keyPrefix}:keepalive:repeat`,
      userOfScheduler: (s) => (s.startsWith('ka.') ? s.slice(3) : null),
      everyMs,
      ms: o.windowMs,
      pid: timers.pid,
      pids: { 'baseline-timers': timers.pid, 'platform-sim': platform.pid },
    });
    baseline.redis = perSession(timersBefore, await redisMemory(redis.url), o.count);
    baseline.counters = await timers.rpc.call('counters');
    baseline.createSeconds = created.seconds;
    await timers.rpc.call('stop');
    return { ...result, baseline };
  } finally {
    await worker?.stop(20_000);
    await bridge?.close();
    await children.stopAll();
  }
}

/** FLUSHALL on the stage's own redis-server only (never the machine's). */
async function flushOwn(url, shared) {
  if (url === shared) throw new Error('refusing to flush the shared Redis');
  const Redis = require('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  try {
    await redis.flushall();
  } finally {
    redis.disconnect();
  }
}

module.exports = { sessionsStage, keepaliveLateness };
