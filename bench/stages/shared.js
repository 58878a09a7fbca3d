'use strict';
// Set-up shared by the stages: the sandboxes, the desks' webhooks, agent-mode sessions, and the
// "stage" object the phases need.
const path = require('node:path');
const { waitFor } = require('../lib/wait');
const { sleep } = require('../lib/clock');

const WEBHOOK_SECRET = 'bench-livechat-webhook-secret';
/** Chatwoot's two secrets: the path segment of the bridge's webhook URL, and the signing secret. */
const CHATWOOT_PATH_SECRET = 'bench-chatwoot-path-secret';
const CHATWOOT_SIGNING_SECRET = 'bench-chatwoot-signing-secret';

/** The sandboxes' node flags: `--trace-gc` logs their GCs, to tell their pauses from the bridge's. */
function sandboxArgs(ctx) {
  return ctx.opts.traceGc ? ['--trace-gc'] : [];
}

async function forkPlatform(ctx, children, name, { maxRecordedCalls } = {}) {
  return children.fork(name, 'platform-sim.host.js', {
    execArgv: sandboxArgs(ctx),
    env: {
      BENCH_ROOT: ctx.root,
      BENCH_BOT_ID: ctx.bot.botId,
      BENCH_CLIENT_ID: ctx.bot.clientId,
      BENCH_CLIENT_SECRET: ctx.bot.clientSecret,
      ...(maxRecordedCalls ? { BENCH_SIM_MAX_CALLS: String(maxRecordedCalls) } : {}),
    },
  });
}

async function forkLiveChat(ctx, children, name) {
  return children.fork(name, 'livechat-sim.host.js', { execArgv: sandboxArgs(ctx), env: { BENCH_ROOT: ctx.root } });
}

async function forkChatwoot(ctx, children, name) {
  return children.fork(name, 'chatwoot-sim.host.js', { execArgv: sandboxArgs(ctx), env: { BENCH_ROOT: ctx.root, BENCH_CHATWOOT_SIGNING_SECRET: CHATWOOT_SIGNING_SECRET } });
}

/** The bridge's settings for the Chatwoot sandbox (as its e2e test configures it). */
function chatwootEnv(chatwoot) {
  const d = chatwoot.info.defaults;
  return {
    HANDOFF_PROVIDER: 'chatwoot',
    CHATWOOT_URL: chatwoot.info.url,
    CHATWOOT_ACCOUNT_ID: String(d.accountId),
    CHATWOOT_INBOX_ID: String(d.inboxId),
    CHATWOOT_API_TOKEN: d.apiToken,
    CHATWOOT_WEBHOOK_SECRET: CHATWOOT_PATH_SECRET,
    CHATWOOT_WEBHOOK_SIGNING_SECRET: CHATWOOT_SIGNING_SECRET,
  };
}

/** `npm run chatwoot:setup`, i.e. the product's own registrar over the Application API; `routeUrl` without the path secret. */
async function registerChatwootWebhook(ctx, chatwoot, routeUrl) {
  const { setupChatwootWebhook } = require(path.join(ctx.root, 'dist/libs/providers/chatwoot/chatwoot-webhook.registrar.js'));
  const d = chatwoot.info.defaults;
  return setupChatwootWebhook({ url: chatwoot.info.url, accountId: d.accountId, inboxId: d.inboxId, token: d.apiToken, routeUrl, webhookSecret: CHATWOOT_PATH_SECRET });
}

/** The bridge's settings for the LiveChat sandbox (as its e2e test configures it). */
function liveChatEnv(livechat) {
  const d = livechat.info.defaults;
  return {
    HANDOFF_PROVIDER: 'livechat',
    LIVECHAT_API_URL: livechat.info.url,
    LIVECHAT_ACCOUNTS_URL: livechat.info.url,
    LIVECHAT_ORGANIZATION_ID: d.organizationId,
    LIVECHAT_CLIENT_ID: d.clientId,
    LIVECHAT_CLIENT_SECRET: d.clientSecret,
    LIVECHAT_REFRESH_TOKEN: d.refreshToken,
    LIVECHAT_WEBHOOK_SECRET: WEBHOOK_SECRET,
  };
}

/** `npm run livechat:webhooks`, i.e. the product's own registrar over the Configuration API. */
async function registerWebhooks(ctx, livechat, url) {
  const { registerLiveChatWebhooks } = require(path.join(ctx.root, 'dist/libs/providers/livechat/livechat-webhooks.registrar.js'));
  const d = livechat.info.defaults;
  return registerLiveChatWebhooks({
    apiUrl: livechat.info.url,
    pat: { accountId: d.patAccountId, token: d.patToken },
    clientId: d.clientId,
    url,
    secret: WEBHOOK_SECRET,
  });
}

/**
 * Agent mode for every user: on_agent_transfer from the platform sandbox, then, as each desk chat
 * (LiveChat chat, Chatwoot conversation) appears, the agent joins it; resolves when all sessions are
 * assigned. `desk` is the sandbox host. `inFlight` bounds the hand-offs transferred but not yet
 * assigned: the bridge acknowledges a transfer at once and opens the desk chat after, so an unbounded
 * sender piles up thousands of hand-offs in progress, each slower the more there are.
 */
async function openDeskSessions(ctx, { platform, desk, bridge, users, concurrency = 20, ratePerSecond = 0, timeoutMs, inFlight = Infinity }) {
  const started = Date.now();
  const chunk = Number.isFinite(inFlight) ? Math.max(concurrency, Math.ceil(inFlight / 4)) : users.length;
  const transfers = [];
  let sent = 0;
  let transferDone = null;
  let lastTransferAt = started;
  const sendMore = () => {
    const next = users.slice(sent, sent + chunk);
    sent += next.length;
    const t = platform.rpc.call('transfer', { users: next, concurrency, ratePerSecond });
    t.then((r) => {
      transferDone = r;
      lastTransferAt = Date.now();
    }, (e) => (transferDone = { error: e.message }));
    transfers.push(t);
  };
  const chatOf = {};
  let joined = 0;
  const deadline = started + timeoutMs;
  while (joined < users.length) {
    if (Date.now() > deadline) throw new Error(`only ${joined} of ${users.length} desk chats opened within ${timeoutMs} ms (transfer: ${JSON.stringify(transferDone)})`);
    if (sent < users.length && Number.isFinite(inFlight)) {
      // In progress until the bridge has the agent's join: desk webhooks wait behind hand-offs, so
      // counting only the joins sent would let queued sessions pile up past the queue timeout.
      const [{ n: assigned }] = await bridge.query(`SELECT count(*)::int AS n FROM conversations WHERE state = 'assigned'`);
      if (sent - assigned + chunk <= Math.max(inFlight, chunk)) sendMore();
    } else if (sent < users.length) sendMore();
    const rows = await bridge.query(`SELECT visitor_key, provider_ref FROM conversations WHERE state = 'queued' AND provider_ref IS NOT NULL`);
    const fresh = rows.filter((r) => !chatOf[r.visitor_key]);
    if (fresh.length) {
      const res = await desk.rpc.call('join', { chatIds: fresh.map((r) => r.provider_ref) });
      if (res.errors.length) throw new Error(`agent could not join: ${res.errors.join('; ')}`);
      for (const r of fresh) chatOf[r.visitor_key] = r.provider_ref;
      joined += fresh.length;
    } else await sleep(300);
  }
  const results = await Promise.all(transfers);
  const failed = results.flatMap((r) => r.failed);
  if (failed.length) throw new Error(`on_agent_transfer failed for ${failed.length} users: ${failed.slice(0, 3).join('; ')}`);
  await waitFor(
    'every session assigned',
    async () => {
      const [{ n }] = await bridge.query(`SELECT count(*)::int AS n FROM conversations WHERE state = 'assigned'`);
      return n >= users.length ? n : false;
    },
    Math.max(10_000, deadline - Date.now()),
    500,
  );
  return { chatOf, seconds: (Date.now() - started) / 1000, transferSeconds: (lastTransferAt - started) / 1000 };
}

/**
 * The agent closes every desk chat in `chatOf` (user -> chat id), at most `inFlight` sessions closing
 * at a time (the desk's webhooks would time out in a burst of thousands); resolves once the bridge
 * has closed them all.
 */
async function closeDeskSessions(ctx, { desk, bridge, chatOf, inFlight = 200, timeoutMs }) {
  const started = Date.now();
  const chats = Object.values(chatOf);
  const openNow = async () => (await bridge.query(`SELECT count(*)::int AS n FROM conversations WHERE state <> 'closed'`))[0].n;
  const open0 = await openNow();
  let sent = 0;
  for (;;) {
    if (Date.now() - started > timeoutMs) throw new Error(`only ${open0 - (await openNow())} of ${chats.length} sessions closed within ${timeoutMs} ms`);
    const open = await openNow();
    const closing = sent - (open0 - open);
    if (sent >= chats.length && open <= open0 - chats.length) break;
    if (sent < chats.length && closing < inFlight) {
      const next = chats.slice(sent, sent + (inFlight - closing));
      const res = await desk.rpc.call('close', { chatIds: next });
      if (res.errors.length) throw new Error(`agent could not close: ${res.errors.join('; ')}`);
      sent += next.length;
    } else await sleep(1000); // the count reads every open row: polled often, it slowed the closing it waits for
  }
  return { seconds: (Date.now() - started) / 1000 };
}

/** What userPhase/agentPhase need; `pids` names the processes whose CPU is reported. */
function makeStage(ctx, fields) {
  let seq = 0;
  return {
    botId: ctx.bot.botId,
    clientId: ctx.bot.clientId,
    clientSecret: ctx.bot.clientSecret,
    redisPid: ctx.machine.redis.pid,
    probe: ctx.probe,
    nextSeq: (n) => {
      const s = seq;
      seq += n;
      return s;
    },
    ...fields,
  };
}

/** Work the system asked of its own database (pg_stat_database; backends flush it within a second or so). */
async function dbCounters(system) {
  const [row] = await system.query(
    `SELECT xact_commit + xact_rollback AS xacts, tup_returned AS returned, tup_fetched AS fetched, tup_inserted AS inserted, tup_updated AS updated
     FROM pg_stat_database WHERE datname = current_database()`,
  );
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
}

async function dbPerMessage(system, before, messages) {
  // An idle backend reports its counters only after PGSTAT_IDLE_INTERVAL (10 s) in Postgres 15.
  await sleep(11_000);
  const after = await dbCounters(system);
  return Object.fromEntries(Object.keys(after).map((k) => [k, Math.round(((after[k] - before[k]) / messages) * 10) / 10]));
}

const range = (n, f) => Array.from({ length: n }, (_, i) => f(i));

module.exports = {
  forkPlatform,
  forkLiveChat,
  liveChatEnv,
  registerWebhooks,
  forkChatwoot,
  chatwootEnv,
  registerChatwootWebhook,
  openDeskSessions,
  closeDeskSessions,
  makeStage,
  range,
  dbCounters,
  dbPerMessage,
  WEBHOOK_SECRET,
  CHATWOOT_PATH_SECRET,
  CHATWOOT_SIGNING_SECRET,
};
