'use strict';
// "Highest sustained rate with nothing lost": open-loop steps of rising rate, then bisection between
// the last rate that held and the first that did not. Every system is judged by the same rule.
const { userPhase, settleSystem } = require('./phases');
const { sleep } = require('./clock');

/** Why a step did not hold, or null if it did. */
function verdict(step, limits) {
  if (step.achievedRate < step.rate * 0.97 || step.sendLag.p99 > limits.sendLagMs) {
    return `load generator fell behind (sent ${Math.round(step.achievedRate)}/s, send lag p99 ${Math.round(step.sendLag.p99)} ms): machine saturated`;
  }
  if (step.ackFailures > 0) return `${step.ackFailures} of ${step.sent} not acknowledged with 2xx (${JSON.stringify(step.statuses)}, ${step.errors} errors)`;
  if (step.ack.p99 > limits.ackP99Ms) return `ack p99 ${Math.round(step.ack.p99)} ms > ${limits.ackP99Ms} ms (backlog building)`;
  if (step.lost !== undefined && step.lost > 0) return `${step.lost} of ${step.sent} not delivered within ${Math.round(step.drainMs)} ms after the step`;
  if (step.relay && step.relay.p99 > limits.relayP99Ms) return `relay p99 ${Math.round(step.relay.p99)} ms > ${limits.relayP99Ms} ms (backlog building)`;
  return null;
}

/** After an overloaded step, lets the backlog arrive (and discards it) so the next step starts clean. */
async function settle(stage, sink, phase, maxMs) {
  if (!sink) return settleSystem(stage.sutPid, maxMs);
  const deadline = Date.now() + maxMs;
  let last = -1;
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    const n = await sink.rpc.call('arrivals', phase);
    if (n !== last) {
      last = n;
      stableSince = Date.now();
    } else if (Date.now() - stableSince > 2000) break;
    await sleep(250);
  }
  await sink.rpc.call('take', phase);
  await settleSystem(stage.sutPid, Math.max(5000, deadline - Date.now()));
}

async function findMaxRate(stage, { label, sink, startRate, factor, maxRate, minRate = 25, stepMs, bisections, maxSteps, limits, drainTimeoutMs }) {
  const steps = [];
  let best = null;
  let firstFail = null;
  let rate = startRate;
  let bisected = 0;
  for (let k = 0; k < maxSteps && rate; k++) {
    const phase = `${label}${k}`;
    const step = await userPhase(stage, { phase, rate, durationMs: stepMs, sink, drainTimeoutMs });
    const why = verdict(step, limits);
    steps.push({
      rate,
      held: !why,
      why,
      achievedRate: Math.round(step.achievedRate),
      ackP50: step.ack.p50,
      ackP99: step.ack.p99,
      relayP50: step.relay?.p50 ?? null,
      relayP99: step.relay?.p99 ?? null,
      lost: step.lost ?? null,
      cpu: step.cpu,
      window: step.window,
    });
    if (why) await settle(stage, sink, phase, 180_000);
    else await settleSystem(stage.sutPid, 30_000);
    if (!why) best = Math.max(best ?? 0, rate);
    else firstFail = Math.min(firstFail ?? Infinity, rate);
    if (firstFail === null) {
      if (rate >= maxRate) break;
      rate = Math.min(maxRate, Math.round(rate * factor));
    } else if (best === null) {
      // Not even the first step held: halve until one does, so the figure is a rate, not "below N".
      if (rate <= minRate) break;
      rate = Math.max(minRate, Math.round(rate / 2));
    } else {
      if (bisected >= bisections) break;
      bisected++;
      const next = Math.round((best + firstFail) / 2);
      if (next <= best || next >= firstFail) break;
      rate = next;
    }
  }
  return { maxRate: best, firstFailedRate: firstFail, reachedCap: firstFail === null && best !== null && best >= maxRate, steps };
}

module.exports = { findMaxRate, verdict };
