'use strict';
// The bridge as the OS process `npm start` runs (dist/apps/bridge/src/main.js), so its CPU and RSS
// can be read from /proc/<pid>; optionally under --cpu-prof.
const net = require('node:net');
const path = require('node:path');
const { Client } = require('pg');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * env: extra bridge variables (HANDOFF_PROVIDER, LIVECHAT_*, KEEPALIVE_INTERVAL_SECONDS...). Bridges started
 * with the same label share a database and a Redis prefix (several instances); `name` tells them apart.
 * Returns { handle, pid, url, databaseUrl, keyPrefix, query(sql, params) , close() }.
 */
async function startBridge(ctx, children, label, env, name = label) {
  const port = await freePort();
  const databaseUrl = ctx.env.databaseUrl(label);
  const keyPrefix = ctx.env.keyPrefix(label);
  const nodeArgs = startFlags(ctx.root);
  if (ctx.opts.traceGc) nodeArgs.push('--trace-gc');
  if (ctx.opts.profile) {
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${ctx.profileDir}`, `--cpu-prof-name=bridge-${name}.cpuprofile`);
  }
  const handle = await children.spawnNode(`bridge(${name})`, path.join(ctx.root, 'dist/apps/bridge/src/main.js'), {
    cwd: ctx.root,
    nodeArgs,
    readyText: 'agent-bridge listening',
    env: {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: databaseUrl,
      REDIS_URL: ctx.env.redisUrl,
      REDIS_KEY_PREFIX: keyPrefix,
      KORE_CLIENT_ID: ctx.bot.clientId,
      KORE_CLIENT_SECRET: ctx.bot.clientSecret,
      LOG_LEVEL: ctx.opts.logLevel,
      ...env,
    },
  });
  const db = new Client({ connectionString: databaseUrl });
  db.on('error', () => undefined); // the database is dropped with FORCE at the end of the run
  await db.connect();
  return {
    handle,
    pid: handle.pid,
    url: `http://127.0.0.1:${port}`,
    databaseUrl,
    keyPrefix,
    query: async (sql, params) => (await db.query(sql, params)).rows,
    async close() {
      await db.end().catch(() => undefined);
      await handle.stop(20_000);
    },
  };
}

/**
 * The worker process (`npm run start:worker`) beside `bridge`, on its database and Redis prefix: the
 * production topology, where bridges started with RUN_WORKERS=false leave the queues to it. env: as
 * startBridge's (desk settings, timers, REDIS_URL when not the machine's).
 */
async function startWorker(ctx, children, bridge, env, name = 'worker') {
  const nodeArgs = startFlags(ctx.root);
  if (ctx.opts.traceGc) nodeArgs.push('--trace-gc');
  return children.spawnNode(name, path.join(ctx.root, 'dist/apps/worker/src/main.js'), {
    cwd: ctx.root,
    nodeArgs,
    readyText: 'agent-bridge worker running',
    env: {
      DATABASE_URL: bridge.databaseUrl,
      REDIS_URL: ctx.env.redisUrl,
      REDIS_KEY_PREFIX: bridge.keyPrefix,
      PUBLIC_URL: bridge.url,
      KORE_CLIENT_ID: ctx.bot.clientId,
      KORE_CLIENT_SECRET: ctx.bot.clientSecret,
      LOG_LEVEL: ctx.opts.logLevel,
      ...env,
    },
  });
}

/** The node flags `npm start` gives the bridge (e.g. --max-semi-space-size), so the bench runs it the same way. */
function startFlags(root) {
  const script = require(path.join(root, 'package.json')).scripts.start;
  const m = /\bnode((?:\s+--[\w-]+(?:=\S+)?)*)\s+dist\/apps\/bridge\/src\/main\.js/.exec(script);
  if (!m) throw new Error(`cannot read the bridge's node flags from the start script: ${script}`);
  return m[1].trim().split(/\s+/).filter(Boolean);
}

module.exports = { startBridge, startWorker, freePort, startFlags };
