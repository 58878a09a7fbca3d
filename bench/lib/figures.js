'use strict';
// The headline figures: each with the value for agent-bridge, the baseline measured in the same run,
// their ratio, the target from the issue and whether it is met.

const perMsgUs = (phase, label) => {
  const pct = phase?.cpu?.processes?.[label];
  if (pct === null || pct === undefined || !phase.sent) return null;
  return (pct * phase.cpu.elapsedMs * 10) / phase.sent;
};

function figure(id, title, unit, value, baseline, baselineName, target, passFn, notes = []) {
  const ratio = value !== null && value !== undefined && baseline ? value / baseline : null;
  const pass = target ? (value === null || value === undefined ? false : passFn(value, ratio)) : null;
  return { id, title, unit, value, baseline, baselineName, ratio, target, pass, notes };
}

function lostNote(phase) {
  return phase && phase.lost ? [`${phase.lost} of ${phase.sent} messages not delivered within the drain window`] : [];
}

function relayFigures(r, echo) {
  const out = [];
  const { baseline: b, bridge: a } = r;
  if (a && b) {
    const notes = [];
    if (a.search.maxRate === null) notes.push(`agent-bridge did not hold even the lowest step (${a.search.steps[0]?.rate}/s): ${a.search.steps[0]?.why}`);
    if (a.search.reachedCap) notes.push('agent-bridge reached the search cap');
    if (b.search.reachedCap) notes.push('the baseline reached the search cap');
    out.push(figure('relay.throughput', `Relay throughput, user -> ${a.provider === 'chatwoot' ? 'Chatwoot' : 'LiveChat'}, nothing lost`, 'msg/s', a.search.maxRate ?? 0, b.search.maxRate, 'baseline pipeline', '>= 70% of baseline', (_v, ratio) => ratio !== null && ratio >= 0.7, notes));
    const at = `at ${a.forward.rate}/s`;
    out.push(figure('relay.ack.p50', `Webhook ack p50 ${at}`, 'ms', a.forward.ack.p50, b.forward.ack.p50, 'baseline (acks after the provider POST)', null));
    out.push(figure('relay.ack.p99', `Webhook ack p99 ${at}`, 'ms', a.forward.ack.p99, b.forward.ack.p99, 'baseline (acks after the provider POST)', '< 10 ms', (v) => v < 10 && a.forward.ackFailures === 0, a.forward.ackFailures ? [`${a.forward.ackFailures} not acknowledged`] : []));
    out.push(figure('relay.up.p50', `Relay user -> provider p50 ${at}`, 'ms', a.forward.relay.p50, b.forward.relay.p50, 'baseline pipeline', null, null, lostNote(a.forward)));
    out.push(figure('relay.up.p99', `Relay user -> provider p99 ${at}`, 'ms', a.forward.relay.p99, b.forward.relay.p99, 'baseline pipeline', '< 30 ms', (v) => v < 30 && !a.forward.lost, lostNote(a.forward)));
    out.push(figure('relay.down.p50', `Relay provider webhook -> sendUserMessage p50 ${at}`, 'ms', a.reverse.relay.p50, b.reverse.relay.p50, 'baseline pipeline', null, null, lostNote(a.reverse)));
    out.push(figure('relay.down.p99', `Relay provider webhook -> sendUserMessage p99 ${at}`, 'ms', a.reverse.relay.p99, b.reverse.relay.p99, 'baseline pipeline', '< 30 ms', (v) => v < 30 && !a.reverse.lost, lostNote(a.reverse)));
    out.push(figure('relay.cpu', `Bridge CPU per user message ${at}`, 'µs', perMsgUs(a.forward, 'bridge'), perMsgUs(b.forward, 'baseline'), 'baseline pipeline', null));
  }
  if (r.tier) {
    const t = r.tier;
    out.push(figure('relay.tier.throughput', 'Relay throughput, two bridge processes (alternating) and a worker process, nothing lost', 'msg/s', t.search.maxRate ?? 0, a?.search.maxRate ?? null, 'one bridge, same run', null, null, t.search.reachedCap ? ['reached the search cap'] : []));
  }
  if (echo) {
    out.push(figure('echo.throughput', 'Reference: bare node:http JSON echo, highest rate', 'msg/s', echo.search.maxRate, null, '', null, null, echo.search.reachedCap ? ['search cap reached: the load generator, not the echo, is the limit'] : []));
    out.push(figure('echo.ack.p99', `Reference: echo ack p99 at ${echo.steady.rate}/s`, 'ms', echo.steady.ack.p99, null, '', null));
  }
  return out;
}

/** A window whose RSS never fell by a fifth saw no major GC: its floor is not what the process keeps. */
const gcNote = (r) => (r.min !== undefined && r.max && r.min > r.max * 0.8 ? [`no major GC seen in a window (min ${Math.round(r.min)} MB, max ${Math.round(r.max)} MB)`] : []);
const fmtRatio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : 'n/a');

function sessionsFigures(s) {
  const l = s.loaded;
  const b = s.baseline ?? { cpu: { processes: {} }, keepalive: { latenessMs: {} } };
  const n = `${s.sessions.toLocaleString('en-US')} sessions`;
  const misses = l.keepalive.missed ? [`${l.keepalive.missed} of ${l.keepalive.expected} keep-alives due in the window never arrived`] : [];
  const kb = (x) => (x === null || x === undefined ? null : x / 1024);
  const split = s.topology === 'split';
  // The goal is checked for every process: in the split topology the worker, which runs the timers, as well as the bridge.
  const memory = (key, who, of) => (s.afterClose
    ? [
        figure(key, `${who} resident memory with ${n} (floor of the window: after its major GCs)`, 'MB', of(l).min, of(s.afterClose).min, 'same process, same work, its sessions closed', '<= 1.10x no session', (_v, ratio) => ratio !== null && ratio <= 1.1,
          [`${fmtRatio(of(l).min, of(s.idle).min)} of the same process before any work (${Math.round(of(s.idle).min)} MB)`, ...gcNote(of(l)), ...gcNote(of(s.afterClose))]),
        figure(`${key}.median`, `${who} resident memory with ${n} (median of the window)`, 'MB', of(l).median, of(s.afterClose).median, 'same process, same work, its sessions closed', null, null,
          [`${fmtRatio(of(l).median, of(s.idle).median)} of the same process before any work (${Math.round(of(s.idle).median)} MB)`]),
      ]
    : [figure(key, `${who} resident memory with ${n} (median of the window)`, 'MB', of(l).median, of(s.idle).median, 'same process, no session', '<= 1.10x no session', (_v, ratio) => ratio !== null && ratio <= 1.1)]);
  const cpu = split ? (l.cpu.processes.bridge ?? 0) + (l.cpu.processes.worker ?? 0) : l.cpu.processes.bridge;
  return [
    ...memory('sessions.rss', split ? 'Bridge (HTTP only, RUN_WORKERS=false)' : 'Bridge', (w) => w.rssMb),
    ...(split ? memory('sessions.rss.worker', 'Worker (the queues and timers)', (w) => w.rssMbOf.worker) : []),
    figure('sessions.redis', `Redis memory per session (used_memory growth / ${n})`, 'KB', kb(s.redis?.bytesPerSession), kb(b.redis?.bytesPerSession), 'bare BullMQ keep-alive scheduler', null),
    figure('sessions.open', `Time to open ${n} (transfer, desk chat, agent joined)`, 's', s.setupSeconds, null, '', null, null, [`${Math.round(s.openRate)} sessions/s`]),
    ...(s.closeSeconds !== undefined ? [figure('sessions.close', `Time to close ${n} (the agent closes each desk chat)`, 's', s.closeSeconds, null, '', null, null, [`${Math.round(s.sessions / s.closeSeconds)} sessions/s`])] : []),
    figure('sessions.cpu', `${split ? 'Bridge and worker' : 'Bridge'} CPU with ${n} (keep-alive every ${s.everySeconds} s)`, '% of a core', cpu, b.cpu.processes['baseline-timers'], 'bare BullMQ schedulers, same count', null),
    figure('sessions.keepalive.p50', 'Keep-alive lateness p50 (platform receipt - BullMQ due time)', 'ms', l.keepalive.latenessMs.p50, b.keepalive.latenessMs.p50, 'bare BullMQ schedulers', null),
    figure('sessions.keepalive.p99', 'Keep-alive lateness p99', 'ms', l.keepalive.latenessMs.p99, b.keepalive.latenessMs.p99, 'bare BullMQ schedulers', '<= 1000 ms', (v) => v <= 1000 && !l.keepalive.missed, misses),
    figure('sessions.keepalive.max', 'Keep-alive lateness max', 'ms', l.keepalive.latenessMs.max, b.keepalive.latenessMs.max, 'bare BullMQ schedulers', null, null, misses),
  ];
}

function consoleFigures(c) {
  const at = `${c.agents.toLocaleString('en-US')} agents, ${c.rate} msg/s`;
  return [
    figure('console.p50', `Console: user message -> agent socket p50 (${at})`, 'ms', c.bridge.relay.p50, c.baseline.relay.p50, 'baseline: dedupe+insert+socket.io emit', null, null, lostNote(c.bridge)),
    figure('console.p99', `Console: user message -> agent socket p99 (${at})`, 'ms', c.bridge.relay.p99, c.baseline.relay.p99, 'baseline: dedupe+insert+socket.io emit', '< 50 ms', (v) => v < 50 && !c.bridge.lost, lostNote(c.bridge)),
  ];
}

function reportsFigures(r) {
  const n = r.conversations.toLocaleString('en-US');
  const names = { state: 'rollup state', days: 'rollup per day', teams: 'rollup per team', agents: 'rollup per agent', raw: 'rows not rolled up', report: 'whole report' };
  return r.ranges.flatMap((g) => Object.entries(names).filter(([key]) => g[key]).map(([key, name]) =>
    figure(`reports.${g.id}.${key}`, `Report ${name}, ${g.label} of ${n} conversations (${g.inRange.toLocaleString('en-US')} in range), p95`, 'ms', g[key].p95, g.baseline.p95, 'bare count(*) of the range',
      key === 'report' ? null : '<= 200 ms', key === 'report' ? null : (v) => v <= 200)));
}

function buildFigures(stages) {
  const figures = [];
  if (stages.relay) figures.push(...relayFigures(stages.relay, stages.echo));
  else if (stages.echo) figures.push(...relayFigures({}, stages.echo));
  if (stages.sessions) figures.push(...sessionsFigures(stages.sessions));
  if (stages.console) figures.push(...consoleFigures(stages.console));
  if (stages.reports) figures.push(...reportsFigures(stages.reports));
  return figures;
}

module.exports = { buildFigures, perMsgUs };
