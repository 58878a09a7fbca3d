'use strict';
// The floor of this machine and load generator: a bare node:http JSON echo, same events, same client.
const { userPhase } = require('../lib/phases');
const { findMaxRate } = require('../lib/throughput');
const { forkPlatform, makeStage, range } = require('./shared');

async function echoStage(ctx) {
  const o = ctx.opts.relay;
  const children = ctx.newChildren();
  try {
    const platform = await forkPlatform(ctx, children, 'platform-sim/echo');
    const echo = await children.fork('echo-server', 'echo.server.js');
    const loadgen = await children.fork('load-generator/echo', 'load-generator.js');
    const stage = makeStage(ctx, {
      loadgen,
      platform: null, // the echo calls nobody back: no requestIds to issue
      users: range(o.users, (i) => `u-echo-${i}`),
      template: await platform.rpc.call('template'),
      targetUrl: echo.info.url,
      sutPid: echo.pid,
      pids: { echo: echo.pid, loadgen: loadgen.pid },
    });
    await userPhase(stage, { phase: 'echowu', rate: o.warmupRate, durationMs: o.warmupMs, sink: null });
    ctx.log(`echo: at ${o.latencyRate}/s for ${o.latencyMs / 1000} s`);
    const steady = await userPhase(stage, { phase: 'echofw', rate: o.latencyRate, durationMs: o.latencyMs, sink: null });
    ctx.log('echo: searching the highest rate');
    const search = await findMaxRate(stage, { label: 'echot', sink: null, ...o.search, maxRate: o.search.echoMaxRate });
    ctx.log(`echo: max ${search.maxRate}/s`);
    return { steady, search };
  } finally {
    await children.stopAll();
  }
}

module.exports = { echoStage };
