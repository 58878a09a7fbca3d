#!/usr/bin/env node
'use strict';
// npm run chaos [-- --quick] [--only=bridge-kill,desk-down] [--strict] [--messages=N] [--rate=R] [--root=<checkout>] [--out=<dir>]
// Fault injection under a soak both ways: each fault on its own Redis, a fresh database, its own
// sandboxes and bridge processes; writes chaos/results/report.{md,json}; stops everything it started
// by PID, also on failure and on Ctrl-C. Exit 0 when the run completed (1: the harness broke;
// 2: --strict and something was lost or reordered). See chaos/README.md.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { parseOptions } = require('./lib/options');
const { Environment, machineInfo, gitCommit } = require('../bench/lib/environment');
const { Stack } = require('./lib/stack');
const { runSoak } = require('./lib/soak');
const report = require('./lib/report');
const { bridgeKill, workerKill, twoBridgesKill } = require('./scenarios/process-faults');
const { redisRestart, redisFlush, postgresRestart } = require('./scenarios/store-faults');
const { deskDown, platformDown } = require('./scenarios/edge-faults');
const { consoleKill } = require('./scenarios/console-fault');

const SCENARIOS = Object.fromEntries([bridgeKill, workerKill, twoBridgesKill, redisRestart, redisFlush, postgresRestart, deskDown, platformDown, consoleKill].map((s) => [s.name, s]));
const started = Date.now();
const log = (m) => console.log(`[chaos ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}`);

async function main() {
  const opts = parseOptions(process.argv.slice(2), process.env);
  // The commit of the code under test, read before the run: the tree may move on while it runs.
  const commit = gitCommit(opts.root);
  for (const entry of ['apps/bridge/src/main.js', 'apps/worker/src/main.js', 'apps/platform-sim/src/index.js', 'apps/livechat-sim/src/index.js']) {
    if (!fs.existsSync(path.join(opts.root, 'dist', entry))) throw new Error(`dist/${entry} is missing: run "npm run build" first (npm run chaos does)`);
  }
  const runId = `${new Date().toISOString().slice(0, 10).replace(/-/g, '')}_${randomBytes(3).toString('hex')}`;
  const env = new Environment(`chaos_${runId}`);
  const ctx = {
    opts,
    root: opts.root,
    runId,
    env,
    bot: { botId: 'st-chaos-0000-4000-8000-000000000001', clientId: 'cs-chaos-app', clientSecret: randomBytes(24).toString('base64url') },
    logDir: path.join(opts.out, 'logs'),
    allChildren: [],
    clusters: [],
    tempDirs: [],
    log,
  };
  fs.rmSync(ctx.logDir, { recursive: true, force: true });
  fs.mkdirSync(ctx.logDir, { recursive: true });
  const killAll = () => {
    ctx.allChildren.forEach((c) => c.killAllNow());
    ctx.clusters.forEach((pg) => pg.destroySync());
    ctx.tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: stopping everything this run started`);
      killAll();
      dropDatabases(env).finally(() => process.exit(130));
    });
  }

  const machine = await machineInfo();
  log(`run ${runId}: ${opts.quick ? 'quick' : 'full'}, faults ${opts.faults.join(', ')}, code in ${opts.root}`);
  const faults = [];
  for (const name of opts.faults) {
    const scenario = SCENARIOS[name];
    const stack = new Stack(ctx, scenario);
    const entry = { name, title: scenario.title, cleared: scenario.cleared };
    const t = Date.now();
    try {
      log(`fault ${name}: starting its stack`);
      await stack.start();
      entry.result = scenario.run ? await scenario.run(stack) : await runSoak(stack, scenario);
      entry.result.conversations = opts.conversations;
    } catch (error) {
      entry.error = error.stack || String(error);
      log(`fault ${name}: harness error: ${error.message.split('\n')[0]}`);
    } finally {
      const problems = await stack.stop();
      if (problems.length) log(`fault ${name}: clean-up problems: ${problems.join('; ')}`);
    }
    entry.seconds = Math.round((Date.now() - t) / 1000);
    if (entry.result) log(`fault ${name}: ${oneLine(entry.result)}`);
    faults.push(entry);
  }
  const dropProblems = await dropDatabases(env);
  if (dropProblems.length) log(`clean-up problems: ${dropProblems.join('; ')}`);

  const result = {
    date: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    quick: opts.quick,
    commit,
    machine,
    loadAverageEnd: os.loadavg().map((v) => Math.round(v * 100) / 100),
    ownRedisVersion: redisVersion(),
    settings: { rate: opts.rate, minMessages: opts.minMessages, conversations: opts.conversations, outageSeconds: opts.outageSeconds, storeDownSeconds: opts.storeDownSeconds, workerDownSeconds: opts.workerDownSeconds, bridgeDownSeconds: opts.bridgeDownSeconds },
    faults,
  };
  const md = report.write(result, opts.out);
  console.log(`\n${md.split('\n## Faults')[0]}`);
  log(`report: ${path.join(opts.out, 'report.md')} and report.json`);
  if (faults.some((f) => f.error)) return 1;
  if (opts.strict && faults.some((f) => ['userToAgent', 'agentToUser'].some((k) => f.result[k] && (f.result[k].lost > 0 || f.result[k].reordered > 0)))) {
    log('--strict: messages were lost or reordered');
    return 2;
  }
  return 0;
}

function oneLine(r) {
  const d = (x) => (x ? `sent ${x.acked}, lost ${x.lost}, dup ${x.duplicated}, reord ${x.reordered}, stall ${x.longestStallMs} ms (after clear ${x.longestStallAfterClearMs} ms)` : '–');
  return `user->agent ${d(r.userToAgent)}; agent->user ${d(r.agentToUser)}`;
}

/** Drops this run's databases on the shared Postgres (never throws). */
async function dropDatabases(env) {
  const problems = [];
  for (const name of env.databases) {
    await env.admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).catch((e) => problems.push(`drop ${name}: ${e.message}`));
  }
  env.databases.clear();
  return problems;
}

function redisVersion() {
  try {
    return execFileSync('redis-server', ['--version'], { encoding: 'utf8', timeout: 5000 }).trim();
  } catch {
    return 'unknown';
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error.stack || error);
    process.exit(1);
  },
);
