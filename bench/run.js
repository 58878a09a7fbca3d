#!/usr/bin/env node
'use strict';
// npm run bench [-- --quick] [--only=echo,relay,sessions,console,reports] [--provider=livechat|chatwoot] [--profile] [--skip-baseline] [--root=<checkout>] [--out=<dir>]
// Starts the bridge, the platform sandbox and the LiveChat (or Chatwoot) sandbox on loopback, measures each figure
// beside a baseline in the same run, writes bench/results/report.{md,json}, and stops everything it
// started, also on failure. See bench/README.md.
const fs = require('node:fs');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { parseOptions } = require('./lib/options');
const { Children } = require('./lib/children');
const { Environment, machineInfo, gitCommit } = require('./lib/environment');
const { buildFigures } = require('./lib/figures');
const report = require('./lib/report');
const { summarize: summarizeProfile, toMarkdown } = require('./lib/profile-summary');
const { echoStage } = require('./stages/echo.stage');
const { relayStage } = require('./stages/relay.stage');
const { sessionsStage } = require('./stages/sessions.stage');
const { consoleStage } = require('./stages/console.stage');
const { reportsStage } = require('./stages/reports.stage');

const started = Date.now();
const log = (m) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}`);

async function main() {
  const opts = parseOptions(process.argv.slice(2), process.env);
  const main = path.join(opts.root, 'dist/apps/bridge/src/main.js');
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first (npm run bench does)`);
  const runId = `${new Date().toISOString().slice(0, 10).replace(/-/g, '')}_${randomBytes(3).toString('hex')}`;
  const env = new Environment(runId);
  const allChildren = [];
  const ctx = {
    opts,
    root: opts.root,
    env,
    bot: { botId: 'st-bench-0000-4000-8000-000000000001', clientId: 'cs-bench-app', clientSecret: randomBytes(24).toString('base64url') },
    machine: await machineInfo(),
    profileDir: path.join(opts.out, 'profiles'),
    logDir: path.join(opts.out, 'logs'),
    log,
    newChildren: () => {
      const c = new Children(ctx.logDir);
      allChildren.push(c);
      return c;
    },
  };
  // Every child's output (the bridge's JSON logs among them), for a look at what happened in a run.
  fs.rmSync(ctx.logDir, { recursive: true, force: true });
  fs.mkdirSync(ctx.logDir, { recursive: true });
  if (opts.profile) {
    fs.mkdirSync(ctx.profileDir, { recursive: true });
    for (const f of fs.readdirSync(ctx.profileDir)) if (f.endsWith('.cpuprofile')) fs.rmSync(path.join(ctx.profileDir, f));
  }
  // Whatever happens, no child outlives the runner (children also exit when their IPC channel closes).
  const killAll = () => allChildren.forEach((c) => c.killAllNow());
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      killAll();
      env.destroy().finally(() => process.exit(130));
    });
  }

  log(`run ${runId}: ${opts.quick ? 'quick' : 'full'} mode, stages ${opts.stages.join(', ')}, code in ${opts.root}, Redis hz ${ctx.machine.redis.hz}`);
  // A bystander process for the whole run: its late timers mark the machine's stalls (children/stall-probe.js).
  ctx.probe = await ctx.newChildren().fork('stall-probe', 'stall-probe.js');
  const stages = {};
  const errors = [];
  const run = async (name, work) => {
    log(`stage ${name}`);
    try {
      return await work();
    } catch (error) {
      errors.push({ stage: name, message: error.stack || String(error) });
      log(`stage ${name} failed: ${error.message.split('\n')[0]}`);
      return undefined;
    }
  };
  try {
    if (opts.stages.includes('echo')) stages.echo = await run('echo', () => echoStage(ctx));
    if (opts.stages.includes('relay')) {
      const baseline = opts.skipBaseline ? undefined : await run('relay/baseline', () => relayStage(ctx, 'baseline'));
      const bridge = await run('relay/bridge', () => relayStage(ctx, 'bridge'));
      // Several instances: two bridge processes and a worker process, the same search as the single bridge.
      const tier = await run('relay/tier', () => relayStage(ctx, 'tier'));
      if (baseline || bridge || tier) stages.relay = { baseline, bridge, tier };
    }
    if (opts.stages.includes('sessions')) stages.sessions = await run('sessions', () => sessionsStage(ctx));
    if (opts.stages.includes('console')) stages.console = await run('console', () => consoleStage(ctx));
    if (opts.stages.includes('reports')) stages.reports = await run('reports', () => reportsStage(ctx));
  } finally {
    await Promise.all(allChildren.map((c) => c.stopAll(5000)));
    const problems = await env.destroy();
    if (problems.length) log(`clean-up problems: ${problems.join('; ')}`);
  }

  const profiles = [];
  if (opts.profile && fs.existsSync(ctx.profileDir)) {
    for (const file of fs.readdirSync(ctx.profileDir).filter((f) => f.endsWith('.cpuprofile'))) {
      const full = path.join(ctx.profileDir, file);
      const whole = summarizeProfile(full, { label: 'whole run (set-up included)' });
      profiles.push({ ...whole, markdown: toMarkdown(whole, { rows: 12 }) });
      for (const { label, window } of profileWindows(file, stages)) {
        const part = summarizeProfile(full, { window, label });
        if (part.busySeconds > 0) profiles.push({ ...part, markdown: toMarkdown(part, { rows: 10 }) });
      }
    }
  }
  const windows = collectWindows(stages);
  const result = {
    date: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    quick: opts.quick,
    root: opts.root,
    commit: gitCommit(opts.root),
    machine: ctx.machine,
    settings: { provider: opts.provider, relay: opts.relay, sessions: opts.sessions, console: opts.console, reports: opts.reports, logLevel: opts.logLevel, profile: opts.profile },
    background: background(windows),
    figures: buildFigures(stages),
    stages,
    errors,
    profiles,
  };
  const md = report.write(result, opts.out);
  console.log(`\n${md.split('\n## Machine')[0]}`);
  log(`report: ${path.join(opts.out, 'report.md')} and report.json`);
  const stray = allChildren.flatMap((c) => [...c.live].map((h) => `${h.name} (${h.pid})`));
  if (stray.length) log(`still running after clean-up (killed): ${stray.join(', ')}`);
  return errors.length ? 1 : 0;
}

/** The measured phases of the bridge whose profile file this is (bridge-<stage>.cpuprofile). */
function profileWindows(file, stages) {
  const out = [];
  const relay = stages.relay?.bridge;
  if (file.startsWith('bridge-relay') && relay) {
    out.push({ label: `user -> provider at ${relay.forward.rate}/s`, window: relay.forward.window });
    out.push({ label: `provider -> user at ${relay.reverse.rate}/s`, window: relay.reverse.window });
    const held = relay.search.steps.filter((st) => st.held).sort((a, b) => b.rate - a.rate)[0];
    if (held) out.push({ label: `highest rate held, ${held.rate}/s`, window: held.window });
  }
  if (file.startsWith('bridge-sessions') && stages.sessions) out.push({ label: `${stages.sessions.sessions} sessions ticking`, window: stages.sessions.loaded.window });
  if (file.startsWith('bridge-console') && stages.console) out.push({ label: `console fan-out at ${stages.console.rate}/s`, window: stages.console.bridge.window });
  return out.filter((w) => w.window);
}

/** Every CPU window of the run, to report how busy the rest of the machine was. */
function collectWindows(value, out = []) {
  if (!value || typeof value !== 'object') return out;
  if (value.cpu && typeof value.cpu.otherPct === 'number') out.push(value.cpu);
  for (const v of Object.values(value)) if (v && typeof v === 'object' && v !== value.cpu) collectWindows(v, out);
  return out;
}

function background(windows) {
  if (!windows.length) return { meanOtherPct: null, maxOtherPct: null, meanStealPct: null, maxStealPct: null, top: [] };
  const steal = windows.map((w) => w.stealPct ?? 0);
  const counts = new Map();
  for (const w of windows) for (const o of w.topOthers || []) if (o.cpuPct >= 5) counts.set(o.cmd || o.comm, Math.max(counts.get(o.cmd || o.comm) || 0, o.cpuPct));
  return {
    meanOtherPct: windows.reduce((s, w) => s + w.otherPct, 0) / windows.length,
    maxOtherPct: Math.max(...windows.map((w) => w.otherPct)),
    meanStealPct: steal.reduce((s, v) => s + v, 0) / steal.length,
    maxStealPct: Math.max(...steal),
    top: [...counts].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([cmd, pct]) => `${cmd} (up to ${pct.toFixed(0)} %)`),
  };
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error.stack || error);
    process.exit(1);
  },
);
