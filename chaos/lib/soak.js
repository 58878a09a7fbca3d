'use strict';
// One scenario: open the agent-mode sessions, start the soak both ways, inject the fault a few seconds
// in, wait for every send to finish and every acknowledged message to arrive (bounded), then collect.
const os = require('node:os');
const { nowMs, sleep } = require('../../bench/lib/clock');
const { openDeskSessions } = require('../../bench/stages/shared');
const { analyseDirection } = require('./analyse');

/** How many messages each way and for how long: at least `minMessages`, and long enough to span the fault. */
function soakPlan(opts, scenario) {
  const spanSeconds = opts.leadSeconds + scenario.holdSeconds(opts) + opts.tailSeconds;
  const count = Math.max(opts.minMessages, Math.ceil(spanSeconds * opts.rate));
  return { count, rate: opts.rate, seconds: count / opts.rate };
}

/** LiveChat: every user handed over, the agent joins each chat; the desk's soak goes to those chats. */
async function openLiveChat(stack, users) {
  const bridge = { query: (sql, params) => stack.query(sql, params) };
  const opened = await openDeskSessions(stack.ctx, { platform: stack.platform, desk: stack.livechat, bridge, users, timeoutMs: 120_000 });
  stack.desk = stack.livechat;
  return { chatIds: users.map((u) => opened.chatOf[u]) };
}

async function runSoak(stack, scenario) {
  const { ctx } = stack;
  const opts = ctx.opts;
  const users = Array.from({ length: opts.conversations }, (_, i) => `chaos-${scenario.name}-${i}`);
  const deskSoak = scenario.open ? await scenario.open(stack, users) : await openLiveChat(stack, users);
  const plan = soakPlan(opts, scenario);
  ctx.log(`${scenario.name}: ${users.length} sessions open; soak of ${plan.count} messages each way at ${plan.rate}/s`);
  const load = { before: os.loadavg()[0] };
  const soakStart = nowMs();
  await stack.platform.rpc.call('startSoak', { users, count: plan.count, rate: plan.rate });
  await stack.desk.rpc.call('startSoak', { ...deskSoak, count: plan.count, rate: plan.rate });

  await sleep(opts.leadSeconds * 1000);
  const fault = await scenario.inject(stack, { opts, log: (m) => ctx.log(`${scenario.name}: ${m}`), t0: soakStart });
  ctx.log(`${scenario.name}: fault cleared ${((fault.clearedAt - fault.at) / 1000).toFixed(1)} s after it began`);

  // Every send done (a user message is retried until acknowledged), then every acknowledged one arrived.
  const sendDeadline = Math.max(fault.clearedAt, soakStart + plan.seconds * 1000) + opts.drainSeconds * 1000;
  while (nowMs() < sendDeadline) {
    const [u, a] = await Promise.all([stack.platform.rpc.call('soakProgress'), stack.desk.rpc.call('soakProgress')]);
    if (u.done >= plan.count && a.done >= plan.count) break;
    await sleep(500);
  }
  const sendsDone = nowMs();
  // Bounded by the same deadline (plus a little): a fault that strands messages must not double the wait.
  const drainDeadline = Math.max(sendDeadline, sendsDone + 30_000);
  let caughtUp = false;
  while (nowMs() < drainDeadline) {
    const [uSent, aSent, uArr, aArr] = await Promise.all([
      stack.platform.rpc.call('soakProgress'),
      stack.desk.rpc.call('soakProgress'),
      stack.desk.rpc.call('arrivalCount'),
      stack.platform.rpc.call('arrivalCount'),
    ]);
    if (uArr >= uSent.acked && aArr >= aSent.acked) {
      caughtUp = true;
      break;
    }
    await sleep(500);
  }
  // A short extra watch, so duplicates that come late are counted too.
  await sleep(caughtUp ? opts.settleSeconds * 1000 : 0);
  await Promise.all([stack.platform.rpc.call('stopSoak'), stack.desk.rpc.call('stopSoak')]);
  const endAt = nowMs();
  load.after = os.loadavg()[0];

  const [userSent, userArrivals, agentSent, agentArrivals] = await Promise.all([
    stack.platform.rpc.call('sent'),
    stack.desk.rpc.call('arrivals'),
    stack.desk.rpc.call('sent'),
    stack.platform.rpc.call('arrivals'),
  ]);
  const rel = (t) => Math.round(t - soakStart);
  return {
    plan,
    fault: { ...fault, atMs: rel(fault.at), clearedAtMs: rel(fault.clearedAt), events: (fault.events || []).map((e) => ({ ...e, atMs: rel(e.at), at: undefined })) },
    watchedSeconds: Math.round((endAt - soakStart) / 100) / 10,
    userToAgent: {
      ...analyseDirection({ sent: userSent, arrivals: userArrivals, clearedAt: fault.clearedAt, endAt }),
      retriedSends: userSent.filter((r) => r.attempts > 1).length,
      refusedAttempts: userSent.reduce((s, r) => s + r.attempts - (Number.isFinite(r.ack) ? 1 : 0), 0),
    },
    agentToUser: analyseDirection({ sent: agentSent, arrivals: agentArrivals, clearedAt: fault.clearedAt, endAt }),
    platformCalls: await stack.platform.rpc.call('callCounts'),
    webhooks: stack.livechat ? await stack.livechat.rpc.call('deliveryStats') : undefined,
    checks: scenario.check ? await scenario.check(stack, fault) : undefined,
    loadAverage: load,
  };
}

module.exports = { runSoak, soakPlan };
