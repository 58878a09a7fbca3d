'use strict';
// What a full run and a quick (CI) run measure. Every loop is bounded by these counts and times.
const path = require('node:path');

const LIMITS = { ackP99Ms: 500, relayP99Ms: 500, sendLagMs: 50 };

const FULL = {
  relay: {
    users: 200,
    warmupRate: 300,
    warmupMs: 5000,
    latencyRate: 500,
    latencyMs: 20_000,
    latencyDrainMs: 180_000,
    dbStats: true,
    search: { startRate: 250, factor: 1.4, maxRate: 6000, echoMaxRate: 12_000, stepMs: 5000, bisections: 2, maxSteps: 14, limits: LIMITS, drainTimeoutMs: 15_000 },
  },
  // Keep-alive at the product's default interval (KEEPALIVE_INTERVAL_SECONDS=240): 100,000 sessions fire about 417 a second.
  // transferRate 0: sessions open as fast as the bridge takes them, `concurrency` at a time.
  sessions: { count: 100_000, everySeconds: 240, windowMs: 120_000, idleMs: 15_000, settleMs: 60_000, transferRate: 0, concurrency: 32, inFlight: 1000, closeInFlight: 500, inactivitySeconds: 14_400, timeoutMs: 10_800_000, topology: 'single' },
  console: { agents: 1000, rate: 100, durationMs: 20_000, warmupMs: 3000, transferRate: 50, timeoutMs: 300_000, dbStats: true },
  reports: { conversations: 1_000_000, runs: 15, triggerWrites: 500 },
};

const QUICK = {
  relay: {
    users: 20,
    warmupRate: 100,
    warmupMs: 1000,
    latencyRate: 500,
    latencyMs: 2000,
    latencyDrainMs: 30_000,
    dbStats: false,
    search: { startRate: 250, factor: 2, maxRate: 1000, echoMaxRate: 1000, stepMs: 1000, bisections: 0, maxSteps: 3, limits: LIMITS, drainTimeoutMs: 5000 },
  },
  sessions: { count: 200, everySeconds: 4, windowMs: 9000, idleMs: 2000, settleMs: 2000, transferRate: 100, concurrency: 20, inFlight: 1000, closeInFlight: 100, inactivitySeconds: 3600, timeoutMs: 120_000, topology: 'single' },
  console: { agents: 50, rate: 100, durationMs: 2000, warmupMs: 1000, transferRate: 50, timeoutMs: 120_000, dbStats: false },
  reports: { conversations: 100_000, runs: 10, triggerWrites: 200 },
};

const STAGES = ['echo', 'relay', 'sessions', 'console', 'reports'];
/** The desk the relay stage goes through; the sessions and console stages stay on LiveChat. */
const PROVIDERS = ['livechat', 'chatwoot'];
/** single: one process serves HTTP and runs the queues (npm start); split: a bridge and a worker, as deploy/ runs them. */
const TOPOLOGIES = ['single', 'split'];

function parseOptions(argv, env) {
  const flags = new Map();
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg} (try --quick, --only=relay,console, --provider=chatwoot, --profile, --trace-gc, --skip-baseline, --sessions=N, --sessions-every=S, --sessions-concurrency=N, --sessions-window=S, --sessions-settle=S, --sessions-in-flight=N, --sessions-topology=single|split, --agents=N, --root=<dir>, --out=<dir>)`);
    flags.set(m[1], m[2] ?? true);
  }
  const quick = flags.has('quick') || env.BENCH_QUICK === '1';
  const only = flags.get('only') || env.BENCH_ONLY;
  const stages = only ? String(only).split(',').map((s) => s.trim()) : STAGES;
  for (const s of stages) if (!STAGES.includes(s)) throw new Error(`unknown stage ${s} (stages: ${STAGES.join(', ')})`);
  if (flags.get('provider') === true) throw new Error(`--provider needs a value (providers: ${PROVIDERS.join(', ')})`);
  const provider = flags.get('provider') || env.BENCH_PROVIDER || 'livechat';
  if (!PROVIDERS.includes(provider)) throw new Error(`unknown provider ${provider} (providers: ${PROVIDERS.join(', ')})`);
  const benchDir = path.join(__dirname, '..');
  const base = quick ? QUICK : FULL;
  const sessions = { ...base.sessions };
  const consoleOpts = { ...base.console };
  if (flags.has('sessions')) sessions.count = positiveInt(flags.get('sessions'), 'sessions');
  if (flags.has('sessions-every')) sessions.everySeconds = positiveInt(flags.get('sessions-every'), 'sessions-every');
  if (flags.has('sessions-concurrency')) sessions.concurrency = positiveInt(flags.get('sessions-concurrency'), 'sessions-concurrency');
  if (flags.has('sessions-in-flight')) sessions.inFlight = positiveInt(flags.get('sessions-in-flight'), 'sessions-in-flight');
  if (flags.has('sessions-settle')) sessions.settleMs = positiveInt(flags.get('sessions-settle'), 'sessions-settle') * 1000;
  if (flags.has('sessions-window')) sessions.windowMs = positiveInt(flags.get('sessions-window'), 'sessions-window') * 1000;
  if (flags.has('sessions-topology')) {
    sessions.topology = flags.get('sessions-topology');
    if (!TOPOLOGIES.includes(sessions.topology)) throw new Error(`--sessions-topology must be one of ${TOPOLOGIES.join(', ')}`);
  }
  if (flags.has('agents')) consoleOpts.agents = positiveInt(flags.get('agents'), 'agents');
  return {
    quick,
    stages,
    provider,
    profile: flags.has('profile') || env.BENCH_PROFILE === '1',
    // The bridge and the sandboxes log each GC (node --trace-gc) to their logs: to tell whose pause made a figure late.
    traceGc: flags.has('trace-gc'),
    // A development aid while tuning the bridge: its figures alone, with no ratio (not a report to quote).
    skipBaseline: flags.has('skip-baseline'),
    root: path.resolve(flags.get('root') || env.BENCH_ROOT || path.join(benchDir, '..')),
    out: path.resolve(flags.get('out') || env.BENCH_OUT || path.join(benchDir, 'results')),
    logLevel: env.BENCH_LOG_LEVEL || 'info',
    relay: base.relay,
    sessions,
    console: consoleOpts,
    reports: { ...base.reports },
  };
}

function positiveInt(value, name) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
}

module.exports = { parseOptions, STAGES, PROVIDERS };
