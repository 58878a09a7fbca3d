'use strict';
// Open-loop load: messages sent at evenly spaced scheduled times whatever the server does, over
// keep-alive connections, latency measured from the *scheduled* time (no coordinated omission).
// Events are built from a template and signed here (one JWT per second), as the platform would.
const http = require('node:http');
const { createHmac } = require('node:crypto');
const { serve } = require('../lib/rpc');
const { nowMs } = require('../lib/clock');

const b64url = (s) => Buffer.from(s).toString('base64url');

function signer(jwt) {
  if (!jwt) return () => ({});
  let second = -1;
  let token = '';
  return () => {
    const now = Math.floor(Date.now() / 1000);
    if (now !== second) {
      second = now;
      const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
      const body = b64url(JSON.stringify({ appId: jwt.appId, exp: now + 60 }));
      token = `${head}.${body}.${createHmac('sha256', jwt.secret).update(`${head}.${body}`).digest('base64url')}`;
    }
    return { token };
  };
}

/** `template` holds __RID__, __USER__ and __MSG__; split once, joined per message. */
function compile(template) {
  const parts = template.split(/(__RID__|__USER__|__MSG__)/);
  return (values) => parts.map((p) => (p === '__RID__' ? values.rid : p === '__USER__' ? values.user : p === '__MSG__' ? values.msg : p)).join('');
}

/**
 * plan: { url, urls?, path, template, jwt?, users[], ridPrefix, seqStart, phase, rate, durationMs,
 *         connections, padTo, timeoutMs }
 * urls (several instances behind a balancer): message seq goes to urls[seq % urls.length].
 * Message i (global seq = seqStart + i) goes to users[seq % users.length], requestId `${ridPrefix}-${seq}`,
 * text `bench <phase>:<seq> …`, scheduled at t0 + i / rate.
 */
async function run(plan) {
  const targets = (plan.urls && plan.urls.length ? plan.urls : [plan.url]).map((u) => new URL(u));
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.connections || 32, scheduling: 'fifo' });
  const build = compile(plan.template);
  const auth = signer(plan.jwt);
  const count = Math.max(1, Math.round((plan.rate * plan.durationMs) / 1000));
  const interval = 1000 / plan.rate;
  const pad = ' '.repeat(Math.max(0, (plan.padTo || 0) - 24));
  const ack = new Float64Array(count).fill(NaN); // ms from scheduled time to the end of the response
  const lag = new Float64Array(count); // ms from scheduled time to http.request()
  const statuses = {};
  let errors = 0;
  let done = 0;
  const t0 = nowMs() + 20;
  let resolveAll;
  const finished = new Promise((resolve) => (resolveAll = resolve));
  const complete = () => {
    if (++done === count) resolveAll();
  };

  const send = (i) => {
    const seq = plan.seqStart + i;
    const user = plan.users[seq % plan.users.length];
    const body = build({ rid: `${plan.ridPrefix}-${seq}`, user, msg: `bench ${plan.phase}:${seq}${pad}` });
    const scheduled = t0 + i * interval;
    const target = targets[seq % targets.length];
    lag[i] = nowMs() - scheduled;
    const req = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: plan.path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...auth() },
        timeout: plan.timeoutMs || 30_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
          if (res.statusCode >= 200 && res.statusCode < 300) ack[i] = nowMs() - scheduled;
          complete();
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      errors++;
      complete();
    });
    req.end(body);
  };

  let i = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = nowMs();
      while (i < count && t0 + i * interval <= now) send(i++);
      if (i >= count) return resolve();
      setTimeout(tick, Math.max(0, t0 + i * interval - nowMs() - 0.3));
    };
    setTimeout(tick, Math.max(0, t0 - nowMs()));
  });
  const sendEnd = nowMs();
  const waitCap = new Promise((resolve) => setTimeout(resolve, (plan.timeoutMs || 30_000) + 5000));
  await Promise.race([finished, waitCap]);
  agent.destroy();
  return { t0, interval, count, seqStart: plan.seqStart, sendSeconds: (sendEnd - t0) / 1000, ack, lag, statuses, errors, unanswered: count - done };
}

serve({ run });
process.send({ ready: true });
