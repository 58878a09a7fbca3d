'use strict';
// Figures of one direction of a soak, from what was sent (each message's acknowledgement time) and
// every arrival (duplicates included), all on the shared monotonic clock (ms).
//   lost: acknowledged, never delivered; duplicated: arrivals beyond the first; reordered: a first
//   arrival whose seq is below one already delivered in that conversation; stall: the longest time a
//   conversation had a message outstanding (acknowledged, not delivered) with no delivery in it.

const round = (v) => (v === null || v === undefined || Number.isNaN(v) ? null : Math.round(v));

function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** sent: [{conv, seq, due, ack}] (when it was due to be sent, when it was acknowledged), arrivals: [[conv, seq, at]], clearedAt: when the fault cleared, endAt: end of watching. */
function analyseDirection({ sent, arrivals, clearedAt, endAt }) {
  const first = new Map(); // `${conv}:${seq}` -> first arrival time
  let duplicated = 0;
  let reordered = 0;
  const samples = { duplicated: [], reordered: [] };
  const rel = (t) => round(t - clearedAt);
  const maxSeq = new Map();
  let fromTranscript = 0;
  for (const [conv, seq, at, source] of [...arrivals].sort((a, b) => a[2] - b[2])) {
    const key = `${conv}:${seq}`;
    if (first.has(key)) {
      duplicated++;
      if (samples.duplicated.length < 10) samples.duplicated.push({ message: key, firstMs: rel(first.get(key)), againMs: rel(at) });
      continue;
    }
    first.set(key, at);
    // Read from a chat's history when it reached a console agent: shown in the transcript's order, so
    // late (it counts in the stall) but not out of order.
    if (source === 'transcript') {
      fromTranscript++;
      continue;
    }
    if (seq < (maxSeq.get(conv) ?? -1)) {
      reordered++;
      if (samples.reordered.length < 10) samples.reordered.push({ message: key, afterSeq: maxSeq.get(conv), atMs: rel(at) });
    }
    maxSeq.set(conv, Math.max(seq, maxSeq.get(conv) ?? -1));
  }
  const acked = sent.filter((r) => Number.isFinite(r.ack));
  const lostList = acked.filter((r) => !first.has(`${r.conv}:${r.seq}`));
  const latencies = acked.filter((r) => first.has(`${r.conv}:${r.seq}`)).map((r) => first.get(`${r.conv}:${r.seq}`) - r.ack).sort((a, b) => a - b);

  let stall = { ms: 0 };
  let stallAfter = { ms: 0 };
  const byConv = new Map();
  for (const r of acked) {
    if (!byConv.has(r.conv)) byConv.set(r.conv, []);
    // Outstanding from when it was due (a user's message the bridge refused still waits to be read).
    byConv.get(r.conv).push({ from: Math.min(r.ack, r.due ?? r.ack), to: first.get(`${r.conv}:${r.seq}`) ?? endAt });
  }
  for (const [conv, intervals] of byConv) {
    const deliveries = [...first].filter(([k]) => Number(k.split(':')[0]) === conv).map(([, at]) => at).sort((a, b) => a - b);
    for (const [from, to] of outstandingPeriods(intervals)) {
      const points = [from, ...deliveries.filter((d) => d > from && d <= to), to];
      for (let i = 1; i < points.length; i++) {
        const gap = points[i] - points[i - 1];
        if (gap > stall.ms) stall = { ms: gap, conv, from: points[i - 1] };
        const start = Math.max(points[i - 1], clearedAt);
        if (points[i] - start > stallAfter.ms) stallAfter = { ms: points[i] - start, conv, from: start };
      }
    }
  }
  const afterClear = [...first.values()].filter((at) => at >= clearedAt).sort((a, b) => a - b);
  const before = acked.filter((r) => r.ack < clearedAt);
  const caughtUp = before.some((r) => !first.has(`${r.conv}:${r.seq}`)) ? null : Math.max(clearedAt, ...before.map((r) => first.get(`${r.conv}:${r.seq}`)));
  const firstDue = Math.min(...sent.map((r) => r.due ?? r.ack));
  const lastAck = Math.max(...acked.map((r) => r.ack));
  return {
    sent: sent.length,
    // The rate the soak really ran at (a sender waits for each acknowledgement of a conversation).
    ackedPerSecond: acked.length > 1 ? Math.round((acked.length / (lastAck - firstDue)) * 10000) / 10 : null,
    acked: acked.length,
    unacked: sent.length - acked.length,
    delivered: first.size,
    fromTranscript,
    lost: lostList.length,
    lostSample: lostList.slice(0, 10).map((r) => `${r.conv}:${r.seq}`),
    duplicated,
    reordered,
    latencyMs: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), max: round(latencies[latencies.length - 1]) },
    longestStallMs: round(stall.ms),
    longestStallAt: stall.from === undefined ? null : { conv: stall.conv, fromMs: round(stall.from - clearedAt) },
    longestStallAfterClearMs: round(stallAfter.ms),
    firstDeliveryAfterClearMs: afterClear.length ? round(afterClear[0] - clearedAt) : null,
    caughtUpAfterClearMs: caughtUp === null ? null : round(caughtUp - clearedAt),
    samples,
  };
}

/** The union of [from, to) intervals, as sorted disjoint [from, to] pairs. */
function outstandingPeriods(intervals) {
  const sorted = intervals.filter((i) => i.to > i.from).sort((a, b) => a.from - b.from);
  const out = [];
  for (const { from, to } of sorted) {
    const last = out[out.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

module.exports = { analyseDirection, outstandingPeriods };
