'use strict';

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return { n: 0, p50: null, p90: null, p99: null, max: null, mean: null };
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    mean: sum / sorted.length,
  };
}

/**
 * How the slowest 1 % of a phase's messages came: spread over the run (each alone: the process was
 * busy) or in bursts (a stall that held every message in flight). `sentAt`/`latency`: per message,
 * its scheduled send time and its latency (ms). A burst: at least `minSize` slow messages sent at
 * most `gapMs` apart. Returns how many bursts, the share of the slow messages in them, and the
 * largest ones (`atS`: seconds from the phase's first send). `stalls`: the bystander's stalls of the
 * same window ([from, to] ms, children/stall-probe.js); a burst during which one happened (from
 * its first send to its last message's arrival) is marked with the longest, as the machine's.
 */
function tailShape(sentAt, latency, { gapMs = 100, minSize = 5, stalls = null } = {}) {
  if (latency.length === 0) return null;
  // The slowest 1 % by rank (ties at the p99 would otherwise let a flat run count as all slow).
  const k = Math.ceil(latency.length / 100);
  const byLatency = Array.from(latency, (ms, i) => [sentAt[i], ms]).sort((a, b) => b[1] - a[1]);
  const slow = byLatency.slice(0, k);
  const threshold = slow[slow.length - 1][1];
  slow.sort((a, b) => a[0] - b[0]);
  let first = Infinity; // the phase's first send: bursts are placed in seconds from it
  for (const t of sentAt) if (t < first) first = t;
  const bursts = [];
  let group = [];
  const close = () => {
    if (group.length >= minSize) {
      const from = group[0][0];
      const to = Math.max(...group.map(([sent, ms]) => sent + ms));
      const during = (stalls || []).filter(([a, b]) => b >= from && a <= to).map(([a, b]) => b - a);
      bursts.push({
        atS: (from - first) / 1000,
        messages: group.length,
        maxMs: Math.max(...group.map((g) => g[1])),
        machineStallMs: during.length ? Math.max(...during) : null,
      });
    }
    group = [];
  };
  for (const point of slow) {
    if (group.length && point[0] - group[group.length - 1][0] > gapMs) close();
    group.push(point);
  }
  close();
  const inBursts = bursts.reduce((sum, b) => sum + b.messages, 0);
  return {
    thresholdMs: threshold,
    slow: slow.length,
    bursts: bursts.length,
    shareInBursts: slow.length ? inBursts / slow.length : 0,
    withMachineStall: stalls ? bursts.filter((b) => b.machineStallMs !== null).length : null,
    // When each happened, to line up with a --profile of the same run (same monotonic clock).
    firstSendMs: first,
    /** The 10 largest, largest first. */
    list: bursts.slice().sort((a, b) => b.messages - a.messages).slice(0, 10),
  };
}

const round = (v, digits = 2) => (v === null || v === undefined || Number.isNaN(v) ? null : Number(v.toFixed(digits)));

/** The bystander's stalls over a window: how many, the longest and their sum (ms). */
function stallSummary(stalls) {
  if (!stalls) return null;
  const lengths = stalls.map(([from, to]) => to - from);
  return { count: lengths.length, maxMs: lengths.length ? Math.max(...lengths) : 0, totalMs: lengths.reduce((s, v) => s + v, 0) };
}

module.exports = { percentile, summarize, tailShape, stallSummary, round };
