'use strict';
// The agent console's fan-out: many agents connected over socket.io, each owning one user's chat;
// user messages from the platform reach the owner's socket as `message` events. Baseline in the same
// run: the baseline pipeline emitting to the agent's room of a bare socket.io server after the same
// durable work (dedupe, insert).
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { startBridge } = require('../lib/bridge');
const { userPhase, settleSystem } = require('../lib/phases');
const { waitFor } = require('../lib/wait');
const { request } = require('../lib/json-http');
const { nowMs } = require('../lib/clock');
const { Client } = require('pg');
const { forkPlatform, makeStage, range, dbCounters, dbPerMessage } = require('./shared');

const PASSWORD = 'bench-agent-password';

/** Agents straight into the table (one scrypt hash for all), then one real sign-in timed per sample. */
async function createAgents(ctx, bridge, count, tokenSecret) {
  const { hashPassword } = require(path.join(ctx.root, 'dist/libs/console/src/auth/password.js'));
  const { signJwt } = require(path.join(ctx.root, 'dist/libs/botkit/src/auth/jwt.js'));
  const hash = await hashPassword(PASSWORD);
  const rows = await bridge.query(
    `INSERT INTO agents (email, name, role, password_hash, max_chats)
     SELECT 'agent-' || i || '@bench.local', 'Bench Agent ' || i, 'agent', $1, 3 FROM generate_series(0, $2::int - 1) AS i
     RETURNING id, email`,
    [hash, count],
  );
  const byIndex = rows.map((r) => ({ id: r.id, index: Number(/agent-(\d+)@/.exec(r.email)[1]) })).sort((a, b) => a.index - b.index);
  // The documented sign-in, for a few agents: it must work, and its cost (scrypt) is worth knowing.
  const signInMs = [];
  for (const agent of byIndex.slice(0, 3)) {
    const t = nowMs();
    const res = await request(`${bridge.url}/console/api/sign-in`, { body: { email: `agent-${agent.index}@bench.local`, password: PASSWORD } });
    if (res.status !== 200) throw new Error(`console sign-in failed: ${res.status} ${res.text}`);
    signInMs.push(nowMs() - t);
  }
  // For the rest, the same token sign-in returns ({sub, role, exp} HS256 with CONSOLE_TOKEN_SECRET),
  // minted here: a thousand scrypt verifications would take a minute of CPU of this 2-core box.
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return { agents: byIndex.map((a) => ({ id: a.id, token: signJwt({ sub: a.id, role: 'agent', exp }, tokenSecret, 'HS256') })), signInMs };
}

async function measure(ctx, stage, o, label, sink, query) {
  await settleSystem(stage.sutPid, 60_000);
  await userPhase(stage, { phase: `${label}wu`, rate: o.rate, durationMs: o.warmupMs, sink, drainTimeoutMs: 30_000 });
  await settleSystem(stage.sutPid, 60_000);
  ctx.log(`console/${label}: ${o.rate} user messages/s for ${o.durationMs / 1000} s to ${stage.users.length} agents`);
  const before = o.dbStats ? await dbCounters({ query }) : null;
  const result = await userPhase(stage, { phase: `${label}fw`, rate: o.rate, durationMs: o.durationMs, sink, drainTimeoutMs: 60_000 });
  if (o.dbStats) {
    await settleSystem(stage.sutPid, 60_000);
    result.db = await dbPerMessage({ query }, before, result.sent);
  }
  return result;
}

async function consoleStage(ctx) {
  const o = ctx.opts.console;
  const children = ctx.newChildren();
  let bridge = null;
  try {
    const platform = await forkPlatform(ctx, children, 'platform-sim/console');
    const tokenSecret = randomBytes(24).toString('base64url');
    bridge = await startBridge(ctx, children, 'console', {
      HANDOFF_PROVIDER: 'console',
      // Auto-assignment is measured elsewhere: its routing pass walks every agent for every queued chat.
      CONSOLE_AUTO_ASSIGN: 'false',
      CONSOLE_TOKEN_SECRET: tokenSecret,
    });
    await platform.rpc.call('setBridgeUrl', bridge.url);
    const users = range(o.agents, (i) => `c-${i}`);
    const { agents, signInMs } = await createAgents(ctx, bridge, o.agents, tokenSecret);
    const client = await children.fork('console-agents', 'console-agents.client.js');
    ctx.log(`console: connecting ${o.agents} agents`);
    const t0 = Date.now();
    const connected = await client.rpc.call('connect', { url: bridge.url, mode: 'bridge', agents: agents.map((a, i) => ({ ...a, user: users[i] })) });
    if (connected.connected !== o.agents) throw new Error(`only ${connected.connected} of ${o.agents} agents connected: ${connected.failures.join('; ')}`);
    const connectSeconds = (Date.now() - t0) / 1000;
    ctx.log(`console: ${o.agents} agents connected in ${connectSeconds} s; handing over ${o.agents} users`);
    const t1 = Date.now();
    const transfer = await platform.rpc.call('transfer', { users, concurrency: 10, ratePerSecond: o.transferRate });
    if (transfer.failed.length) throw new Error(`on_agent_transfer failed: ${transfer.failed.slice(0, 3).join('; ')}`);
    await waitFor(
      'every agent to accept its chat',
      async () => {
        const [{ n }] = await bridge.query(`SELECT count(*)::int AS n FROM conversations WHERE state = 'assigned'`);
        return n >= o.agents ? n : false;
      },
      o.timeoutMs,
      500,
    );
    const assignSeconds = (Date.now() - t1) / 1000;
    const loadgen = await children.fork('load-generator/console', 'load-generator.js');
    const template = await platform.rpc.call('template');
    const bridgeStage = makeStage(ctx, {
      loadgen,
      platform,
      users,
      template,
      targetUrl: bridge.url,
      sutPid: bridge.pid,
      pids: { bridge: bridge.pid, 'console-agents': client.pid, 'platform-sim': platform.pid, loadgen: loadgen.pid },
    });
    const bridgeRun = await measure(ctx, bridgeStage, o, 'bridge', client, bridge.query);
    await client.rpc.call('close');
    await bridge.close();
    bridge = null;

    ctx.log('console: baseline (dedupe, insert, socket.io emit)');
    const databaseUrl = ctx.env.databaseUrl('console_baseline');
    await ctx.env.createDatabase(databaseUrl);
    const config = { redisUrl: ctx.env.redisUrl, keyPrefix: ctx.env.keyPrefix('console_baseline'), databaseUrl, clientId: ctx.bot.clientId, clientSecret: ctx.bot.clientSecret, sink: 'socketio' };
    const baseline = await children.fork('baseline-pipeline/socket.io', 'baseline-pipeline.server.js', { env: { BENCH_BASELINE_CONFIG: JSON.stringify(config) } });
    await baseline.rpc.call('setup', { agentOf: Object.fromEntries(users.map((u, i) => [u, agents[i].id])) });
    const bconn = await client.rpc.call('connect', { url: baseline.info.url, mode: 'baseline', agents: agents.map((a, i) => ({ id: a.id, user: users[i] })) });
    if (bconn.connected !== o.agents) throw new Error(`baseline: only ${bconn.connected} agents connected: ${bconn.failures.join('; ')}`);
    const baselineStage = makeStage(ctx, {
      loadgen,
      platform,
      users,
      template,
      targetUrl: baseline.info.url,
      sutPid: baseline.pid,
      pids: { baseline: baseline.pid, 'console-agents': client.pid, 'platform-sim': platform.pid, loadgen: loadgen.pid },
    });
    const db = new Client({ connectionString: databaseUrl });
    db.on('error', () => undefined);
    await db.connect();
    const baselineRun = await measure(ctx, baselineStage, o, 'base', client, async (sql, params) => (await db.query(sql, params)).rows).finally(() => db.end().catch(() => undefined));
    await client.rpc.call('close');
    return { agents: o.agents, rate: o.rate, signInMs, connectSeconds, assignSeconds, bridge: bridgeRun, baseline: baselineRun };
  } finally {
    await bridge?.close();
    await children.stopAll();
  }
}

module.exports = { consoleStage };
