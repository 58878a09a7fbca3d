'use strict';
// One measured phase: open-loop load for a while, then wait until what was sent has arrived where it
// should (or a drain timeout), with CPU of every process over the same window.
const { CpuWindow, readStat, TICK_MS } = require('./proc-stats');
const { summarize, tailShape, stallSummary } = require('./stats');
const { sleep, nowMs } = require('./clock');

/**
 * Latency of each arrival from its scheduled send time (and that time, `sentAt`, for the tail's
 * shape); arrivals of seqs outside the run are ignored.
 */
function latencies(arrivals, run) {
  const out = [];
  const sentAt = [];
  const end = run.seqStart + run.count;
  for (let k = 0; k < arrivals.seqs.length; k++) {
    const seq = arrivals.seqs[k];
    if (seq < run.seqStart || seq >= end) continue;
    const scheduled = run.t0 + (seq - run.seqStart) * run.interval;
    out.push(arrivals.times[k] - scheduled);
    sentAt.push(scheduled);
  }
  out.sentAt = sentAt;
  return out;
}

/** The acknowledgement latencies of a load generator run, with their scheduled send times. */
function ackLatencies(run) {
  const out = [];
  const sentAt = [];
  for (let i = 0; i < run.ack.length; i++) {
    if (Number.isNaN(run.ack[i])) continue;
    out.push(run.ack[i]);
    sentAt.push(run.t0 + i * run.interval);
  }
  out.sentAt = sentAt;
  return out;
}

async function waitArrivals(host, phase, count, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  while (Date.now() < deadline) {
    seen = await host.rpc.call('arrivals', phase);
    if (seen >= count) return seen;
    await sleep(100);
  }
  return seen;
}

/** The stalls the bystander process saw over a phase's window (null when the run has no probe). */
function bystanderStalls(stage, window) {
  return stage.probe ? stage.probe.rpc.call('stalls', window) : Promise.resolve(null);
}

/** CPU % of one core of `pid` over `ms`. */
async function cpuPct(pid, ms) {
  const a = readStat(pid);
  await sleep(ms);
  const b = readStat(pid);
  if (!a || !b) return 0;
  return ((b.utime + b.stime - a.utime - a.stime) * TICK_MS * 100) / ms;
}

/**
 * Until the system under test is idle again (its CPU under 10 % of a core for a second), so that a
 * backlog left by one phase is not measured in the next one. Bounded by maxMs.
 */
async function settleSystem(pid, maxMs = 180_000) {
  const started = Date.now();
  while (Date.now() - started < maxMs) {
    if ((await cpuPct(pid, 1000)) < 10) break;
  }
  return Date.now() - started;
}

/**
 * User messages through the load generator.
 * stage: { loadgen, platform, template, users, botId, targetUrl, clientId, clientSecret, pids, redisPid, nextSeq() }
 * sink: the host that records arrivals (null when the target only acknowledges, e.g. the echo server).
 */
async function userPhase(stage, { phase, rate, durationMs, sink, drainTimeoutMs = 15_000, padTo = 80 }) {
  const count = Math.max(1, Math.round((rate * durationMs) / 1000));
  const seqStart = stage.nextSeq(count);
  const ridPrefix = `ms-bench-${phase}`;
  if (stage.platform) await stage.platform.rpc.call('issue', { ridPrefix, seqStart, count, users: stage.users });
  const startMs = nowMs();
  const cpu = new CpuWindow(stage.pids, stage.redisPid).start();
  const run = await stage.loadgen.rpc.call('run', {
    url: stage.targetUrl,
    urls: stage.targetUrls,
    path: stage.path || `/sdk/bots/${encodeURIComponent(stage.botId)}/on_user_message`,
    template: stage.template,
    jwt: { appId: stage.clientId, secret: stage.clientSecret },
    users: stage.users,
    ridPrefix,
    seqStart,
    phase,
    rate,
    durationMs,
    connections: stage.connections || 32,
    padTo,
  });
  const sendDoneAt = nowMs();
  let arrived = null;
  if (sink) arrived = await waitArrivals(sink, phase, count, drainTimeoutMs);
  const drainMs = nowMs() - sendDoneAt;
  const cpuResult = cpu.stop();
  const window = { startMs, endMs: nowMs() };
  const stalls = await bystanderStalls(stage, window);
  const acks = ackLatencies(run);
  const result = {
    phase,
    rate,
    sent: run.count,
    sendSeconds: run.sendSeconds,
    achievedRate: run.count / Math.max(run.sendSeconds, 1e-3),
    sendLag: summarize(run.lag),
    acked: acks.length,
    ackFailures: run.count - acks.length,
    statuses: run.statuses,
    errors: run.errors,
    ack: summarize(acks),
    ackTail: tailShape(acks.sentAt, acks, { stalls }),
    drainMs,
    cpu: cpuResult,
    machineStalls: stallSummary(stalls),
    window,
  };
  if (sink) {
    const taken = await sink.rpc.call('take', phase);
    const lat = latencies(taken, run);
    result.delivered = lat.length;
    result.lost = run.count - lat.length;
    result.duplicates = taken.duplicates;
    result.relay = summarize(lat);
    result.relayTail = tailShape(lat.sentAt, lat, { stalls });
  }
  return result;
}

/** Agent messages paced inside the desk's sandbox (LiveChat or Chatwoot), timed on arrival at the platform sandbox. */
async function agentPhase(stage, { phase, rate, durationMs, chatIds, drainTimeoutMs = 15_000, padTo = 80 }) {
  const count = Math.max(1, Math.round((rate * durationMs) / 1000));
  const seqStart = stage.nextSeq(count);
  const startMs = nowMs();
  const cpu = new CpuWindow(stage.pids, stage.redisPid).start();
  const run = await stage.desk.rpc.call('agentSay', { phase, chatIds, rate, durationMs, seqStart, padTo });
  const sendDoneAt = nowMs();
  await waitArrivals(stage.platform, phase, count, drainTimeoutMs);
  const drainMs = nowMs() - sendDoneAt;
  const cpuResult = cpu.stop();
  const window = { startMs, endMs: nowMs() };
  const stalls = await bystanderStalls(stage, window);
  const taken = await stage.platform.rpc.call('take', phase);
  const lat = latencies(taken, run);
  return {
    phase,
    rate,
    sent: run.count,
    failedToSend: run.failed,
    sendLag: summarize(run.lag),
    delivered: lat.length,
    lost: run.count - lat.length,
    duplicates: taken.duplicates,
    relay: summarize(lat),
    relayTail: tailShape(lat.sentAt, lat, { stalls }),
    drainMs,
    cpu: cpuResult,
    machineStalls: stallSummary(stalls),
    window,
  };
}

module.exports = { userPhase, agentPhase, latencies, settleSystem };
