'use strict';
// Relay through the desk's sandbox (LiveChat, or Chatwoot with --provider=chatwoot), for the bridge
// and for the baseline pipeline alike:
//   platform (load generator) -> system -> desk sandbox        (user -> provider)
//   desk sandbox (paced agent messages) -> system -> platform   (provider -> user)
// then the highest rate user -> provider that holds with nothing lost.
const { Client } = require('pg');
const { startBridge, startWorker } = require('../lib/bridge');
const { userPhase, agentPhase, settleSystem } = require('../lib/phases');
const { findMaxRate } = require('../lib/throughput');
const shared = require('./shared');

const { forkPlatform, openDeskSessions, makeStage, range, dbCounters, dbPerMessage } = shared;

/** What differs between the desks: their sandbox, the bridge's settings, the webhook registration, the baseline's sink. */
const DESKS = {
  livechat: {
    fork: shared.forkLiveChat,
    bridgeEnv: shared.liveChatEnv,
    register: (ctx, desk, systemUrl) => shared.registerWebhooks(ctx, desk, `${systemUrl}/webhooks/livechat`),
    chats: (desk, users) => desk.rpc.call('customerChats', users),
    baselineConfig: (desk) => ({ sink: 'livechat', livechatUrl: desk.info.url, organizationId: desk.info.defaults.organizationId, webhookSecret: shared.WEBHOOK_SECRET }),
  },
  chatwoot: {
    fork: shared.forkChatwoot,
    bridgeEnv: shared.chatwootEnv,
    register: (ctx, desk, systemUrl) => shared.registerChatwootWebhook(ctx, desk, `${systemUrl}/webhooks/chatwoot`),
    chats: (desk, users) => desk.rpc.call('openConversations', users),
    baselineConfig: (desk) => ({
      sink: 'chatwoot',
      chatwootUrl: desk.info.url,
      accountId: desk.info.defaults.accountId,
      apiToken: desk.info.defaults.apiToken,
      pathSecret: shared.CHATWOOT_PATH_SECRET,
      signingSecret: shared.CHATWOOT_SIGNING_SECRET,
    }),
  },
};

/**
 * Two bridge processes (RUN_WORKERS=false) and one worker process on one database and one Redis
 * prefix: the load generator alternates user messages between the bridges, the desk's webhooks go to A.
 */
async function startTier(ctx, children, { platform, desk, users }) {
  const d = DESKS[ctx.opts.provider];
  const env = { ...d.bridgeEnv(desk), RUN_WORKERS: 'false' };
  const a = await startBridge(ctx, children, 'tier', env);
  const b = await startBridge(ctx, children, 'tier', env, 'tier-b');
  const worker = await startWorker(ctx, children, a, d.bridgeEnv(desk), 'worker(tier)');
  await platform.rpc.call('setBridgeUrl', a.url);
  await d.register(ctx, desk, a.url);
  const opened = await openDeskSessions(ctx, { platform, desk, bridge: a, users, timeoutMs: 120_000 });
  return {
    url: a.url,
    urls: [a.url, b.url],
    pid: a.pid,
    pids: { 'bridge-a': a.pid, 'bridge-b': b.pid, worker: worker.pid },
    chatIds: users.map((u) => opened.chatOf[u]),
    setupSeconds: opened.seconds,
    query: a.query,
    close: async () => {
      await Promise.all([a.close(), b.close(), worker.stop(20_000)]);
    },
    extra: async () => ({}),
  };
}

async function startSystem(ctx, children, sut, { platform, desk, users }) {
  const d = DESKS[ctx.opts.provider];
  if (sut === 'tier') return startTier(ctx, children, { platform, desk, users });
  if (sut === 'bridge') {
    const bridge = await startBridge(ctx, children, 'relay', d.bridgeEnv(desk));
    await platform.rpc.call('setBridgeUrl', bridge.url);
    await d.register(ctx, desk, bridge.url);
    const opened = await openDeskSessions(ctx, { platform, desk, bridge, users, timeoutMs: 120_000 });
    return { url: bridge.url, pid: bridge.pid, chatIds: users.map((u) => opened.chatOf[u]), setupSeconds: opened.seconds, query: bridge.query, close: () => bridge.close(), extra: async () => ({}) };
  }
  const databaseUrl = ctx.env.databaseUrl('baseline');
  await ctx.env.createDatabase(databaseUrl);
  const chats = await d.chats(desk, users);
  const config = {
    redisUrl: ctx.env.redisUrl,
    keyPrefix: ctx.env.keyPrefix('baseline'),
    databaseUrl,
    clientId: ctx.bot.clientId,
    clientSecret: ctx.bot.clientSecret,
    ...d.baselineConfig(desk),
  };
  const baseline = await children.fork('baseline-pipeline', 'baseline-pipeline.server.js', { env: { BENCH_BASELINE_CONFIG: JSON.stringify(config) } });
  const db = new Client({ connectionString: databaseUrl });
  db.on('error', () => undefined);
  await db.connect();
  await d.register(ctx, desk, baseline.info.url);
  // The request context agent replies go back on, until the first user message brings a newer one.
  await platform.rpc.call('issue', { ridPrefix: 'ms-bench-init', seqStart: 0, count: users.length, users });
  const template = await platform.rpc.call('template');
  const contexts = Object.fromEntries(users.map((u, i) => [u, JSON.parse(template.split('__RID__').join(`ms-bench-init-${i}`).split('__USER__').join(u).split('__MSG__').join('hello'))]));
  await baseline.rpc.call('setup', { chats, contexts });
  return {
    url: baseline.info.url,
    pid: baseline.pid,
    chatIds: users.map((u) => chats[u].chatId),
    setupSeconds: null,
    query: async (sql, params) => (await db.query(sql, params)).rows,
    close: async () => {
      await db.end().catch(() => undefined);
      await baseline.stop();
    },
    extra: async () => ({ counters: await baseline.rpc.call('counters') }),
  };
}

async function relayStage(ctx, sut) {
  const o = ctx.opts.relay;
  const children = ctx.newChildren();
  let system = null;
  try {
    const platform = await forkPlatform(ctx, children, `platform-sim/${sut}`);
    const provider = ctx.opts.provider;
    const desk = await DESKS[provider].fork(ctx, children, `${provider}-sim/${sut}`);
    const users = range(o.users, (i) => `u-${sut}-${i}`);
    system = await startSystem(ctx, children, sut, { platform, desk, users });
    const loadgen = await children.fork(`load-generator/${sut}`, 'load-generator.js');
    const stage = makeStage(ctx, {
      loadgen,
      platform,
      desk,
      users,
      template: await platform.rpc.call('template'),
      targetUrl: system.url,
      targetUrls: system.urls,
      sutPid: system.pid,
      pids: { ...(system.pids ?? { [sut]: system.pid }), 'platform-sim': platform.pid, [`${provider}-sim`]: desk.pid, loadgen: loadgen.pid },
    });
    // Latency phases wait for every message (bounded), so a slow one counts with its real latency,
    // and the system must be idle again before the next phase starts.
    const drain = { drainTimeoutMs: o.latencyDrainMs };
    ctx.log(`${sut}: ${users.length} agent-mode sessions ready; warming up`);
    await userPhase(stage, { phase: `${sut}wu`, rate: o.warmupRate, durationMs: o.warmupMs, sink: desk, ...drain });
    await agentPhase(stage, { phase: `${sut}wa`, rate: o.warmupRate, durationMs: o.warmupMs, chatIds: system.chatIds, ...drain });
    await settleSystem(system.pid);
    if (sut === 'tier') {
      // Throughput only: the latency phases are the single bridge's figures.
      ctx.log(`${sut}: searching the highest rate with nothing lost (two bridges and a worker)`);
      const search = await findMaxRate(stage, { label: `${sut}t`, sink: desk, ...o.search });
      ctx.log(`${sut}: max ${search.maxRate}/s (first failed ${search.firstFailedRate}/s)`);
      return { sut, provider, users: users.length, setupSeconds: system.setupSeconds, search, processes: Object.keys(system.pids) };
    }
    ctx.log(`${sut}: user -> provider at ${o.latencyRate}/s for ${o.latencyMs / 1000} s`);
    let before = o.dbStats ? await dbCounters(system) : null;
    const forward = await userPhase(stage, { phase: `${sut}fw`, rate: o.latencyRate, durationMs: o.latencyMs, sink: desk, ...drain });
    forward.settledMs = await settleSystem(system.pid);
    if (o.dbStats) forward.db = await dbPerMessage(system, before, forward.sent);
    ctx.log(`${sut}: provider -> user at ${o.latencyRate}/s for ${o.latencyMs / 1000} s`);
    if (o.dbStats) before = await dbCounters(system);
    const reverse = await agentPhase(stage, { phase: `${sut}rv`, rate: o.latencyRate, durationMs: o.latencyMs, chatIds: system.chatIds, ...drain });
    reverse.settledMs = await settleSystem(system.pid);
    if (o.dbStats) reverse.db = await dbPerMessage(system, before, reverse.sent);
    ctx.log(`${sut}: searching the highest rate with nothing lost`);
    const search = await findMaxRate(stage, { label: `${sut}t`, sink: desk, ...o.search });
    ctx.log(`${sut}: max ${search.maxRate}/s (first failed ${search.firstFailedRate}/s)`);
    const extra = await system.extra();
    const platformCalls = await platform.rpc.call('callCounts', {});
    const webhooks = await desk.rpc.call('deliveryStats');
    return { sut, provider, users: users.length, setupSeconds: system.setupSeconds, forward, reverse, search, platformCalls, webhooks, ...extra };
  } finally {
    await system?.close();
    await children.stopAll();
  }
}

module.exports = { relayStage };
