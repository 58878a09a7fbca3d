'use strict';
// A bystander: a process doing nothing but a 10 ms timer, for the whole run. When its timer fires
// late by more than STALL_MS, something kept a ready process off the CPU: the machine's cores were
// all taken or the hypervisor paused our vCPUs. A latency burst in a measured system at the same
// moment is then the machine's stall, not that system's own.
const { serve } = require('../lib/rpc');
const { nowMs } = require('../lib/clock');

const PERIOD_MS = 10;
const STALL_MS = 5;
const KEEP = 50_000;

/** [when the timer was due, when it fired] (bench clock, ms): the stall, oldest first. */
const stalls = [];
let last = nowMs();

function tick() {
  const now = nowMs();
  const late = now - last - PERIOD_MS;
  if (late > STALL_MS) {
    stalls.push([last + PERIOD_MS, now]);
    if (stalls.length > KEEP * 1.25) stalls.splice(0, stalls.length - KEEP);
  }
  last = now;
  setTimeout(tick, PERIOD_MS);
}
setTimeout(tick, PERIOD_MS);

serve({
  /** The stalls seen between `startMs` and `endMs` (a phase's window). */
  stalls: ({ startMs, endMs }) => stalls.filter(([from, to]) => to >= startMs && from <= endMs),
});
process.send({ ready: true, info: { periodMs: PERIOD_MS, stallMs: STALL_MS } });
