'use strict';
// Faults of the stores: the run's own Redis restarted (AOF) and emptied, its own Postgres restarted.
const { nowMs, sleep } = require('../../bench/lib/clock');
const { LIVECHAT } = require('./process-faults');

const redisRestart = {
  name: 'redis-restart',
  title: 'Redis (appendonly yes) stopped and started again',
  setup: LIVECHAT,
  holdSeconds: (o) => o.storeDownSeconds + 3,
  cleared: 'Redis answers PING again, its AOF replayed',
  async inject(stack, { opts, log }) {
    const at = nowMs();
    await stack.redis.stop();
    log(`redis stopped (SIGTERM); down for ${opts.storeDownSeconds} s`);
    await sleep(opts.storeDownSeconds * 1000);
    await stack.redis.start();
    return { at, clearedAt: nowMs() };
  },
};

const redisFlush = {
  name: 'redis-flush',
  title: 'Redis emptied (FLUSHALL of the run\'s own Redis) under the running bridge',
  setup: LIVECHAT,
  holdSeconds: () => 30,
  cleared: 'the FLUSHALL itself',
  async inject(stack, { log }) {
    const timersBefore = await stack.redis.delayedJobs();
    const at = nowMs();
    await stack.redis.flushAll();
    log('redis emptied (FLUSHALL)');
    stack.timerWatch = { before: timersBefore, at };
    return { at, clearedAt: nowMs() };
  },
  /** Session timers are delayed BullMQ jobs: are they back (up to 60 s after the flush)? */
  async check(stack, fault) {
    const { before } = stack.timerWatch;
    const total = (kinds) => Object.values(kinds).reduce((s, n) => s + n, 0);
    let now = await stack.redis.delayedJobs();
    while (total(now) < total(before) && nowMs() < fault.at + 60_000) {
      await sleep(1000);
      now = await stack.redis.delayedJobs();
    }
    return { delayedJobsBeforeFlush: before, delayedJobsAfter: now, checkedAtMsAfterFlush: Math.round(nowMs() - fault.at) };
  },
};

const postgresRestart = {
  name: 'postgres-restart',
  title: 'Postgres (the run\'s own cluster) stopped (fast) and started again',
  setup: { ...LIVECHAT, ownPostgres: true },
  holdSeconds: (o) => o.storeDownSeconds + 5,
  cleared: 'Postgres accepts connections again',
  async inject(stack, { opts, log }) {
    const at = nowMs();
    stack.pg.stop('fast');
    log(`postgres stopped (fast); down for ${opts.storeDownSeconds} s`);
    await sleep(opts.storeDownSeconds * 1000);
    await stack.pg.start();
    return { at, clearedAt: nowMs() };
  },
};

module.exports = { redisRestart, redisFlush, postgresRestart };
