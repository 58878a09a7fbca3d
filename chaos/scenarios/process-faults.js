'use strict';
// Faults of the bridge's own processes: kill -9 of the bridge, of the only worker, of one of two bridges.
const { nowMs, sleep } = require('../../bench/lib/clock');

const LIVECHAT = { provider: 'livechat', bridges: 1, worker: false };

const bridgeKill = {
  name: 'bridge-kill',
  title: 'kill -9 of the bridge mid-soak, restarted at once',
  setup: LIVECHAT,
  holdSeconds: () => 10,
  cleared: 'the restarted bridge listens',
  async inject(stack, { log }) {
    const at = nowMs();
    await stack.kill(stack.bridges[0].handle);
    log('bridge killed (SIGKILL); restarting');
    await stack.startBridge(0);
    return { at, clearedAt: nowMs() };
  },
};

const workerKill = {
  name: 'worker-kill',
  title: 'kill -9 of the only worker process (RUN_WORKERS=false + worker), restarted after a while',
  setup: { ...LIVECHAT, worker: true },
  holdSeconds: (o) => o.workerDownSeconds + 5,
  cleared: 'the restarted worker runs',
  async inject(stack, { opts, log }) {
    const at = nowMs();
    await stack.kill(stack.worker);
    log(`worker killed (SIGKILL); down for ${opts.workerDownSeconds} s`);
    await sleep(opts.workerDownSeconds * 1000);
    await stack.startWorker();
    const restarted = nowMs();
    return { at, clearedAt: restarted, events: [{ what: 'worker restarted', at: restarted }] };
  },
};

const twoBridgesKill = {
  name: 'two-bridges-kill',
  title: 'two bridges and one worker, traffic over both, kill -9 of one bridge (restarted later)',
  setup: { ...LIVECHAT, bridges: 2, worker: true },
  holdSeconds: (o) => o.bridgeDownSeconds + 5,
  cleared: 'the kill itself, since the other bridge runs',
  async inject(stack, { opts, log }) {
    const at = nowMs();
    await stack.kill(stack.bridges[0].handle);
    log(`bridge 0 of 2 killed (SIGKILL); restarted after ${opts.bridgeDownSeconds} s`);
    await sleep(opts.bridgeDownSeconds * 1000);
    await stack.startBridge(0);
    return { at, clearedAt: at, events: [{ what: 'bridge 0 restarted', at: nowMs() }] };
  },
};

module.exports = { bridgeKill, workerKill, twoBridgesKill, LIVECHAT };
