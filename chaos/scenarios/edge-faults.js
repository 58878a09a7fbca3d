'use strict';
// Faults of the other side of each edge: the desk (LiveChat sandbox) and the platform sandbox down.
const { nowMs, sleep } = require('../../bench/lib/clock');
const { LIVECHAT } = require('./process-faults');

const deskDown = {
  name: 'desk-down',
  title: 'the desk (LiveChat sandbox) refuses connections (its port closed, open connections cut)',
  setup: LIVECHAT,
  holdSeconds: (o) => o.outageSeconds,
  cleared: 'the LiveChat sandbox listens again',
  async inject(stack, { opts, log }) {
    log(`LiveChat sandbox down for ${opts.outageSeconds} s`);
    const { downAt, upAt } = await stack.livechat.rpc.call('down', opts.outageSeconds * 1000);
    return { at: downAt, clearedAt: upAt };
  },
};

const platformDown = {
  name: 'platform-down',
  title: 'the platform sandbox\'s callback API refuses connections (a proxy in front of it closed); events keep coming',
  setup: LIVECHAT,
  holdSeconds: (o) => o.outageSeconds,
  cleared: 'the proxy listens again',
  async inject(stack, { opts, log }) {
    const at = nowMs();
    await stack.platformProxy.down();
    log(`platform sandbox unreachable for ${opts.outageSeconds} s`);
    await sleep(opts.outageSeconds * 1000);
    await stack.platformProxy.up();
    return { at, clearedAt: nowMs() };
  },
};

module.exports = { deskDown, platformDown };
