'use strict';
// A quiet window: RSS of one process sampled twice a second, and CPU of the named processes.
const { CpuWindow, readRss } = require('./proc-stats');
const { sleep, nowMs } = require('./clock');
const Redis = require('ioredis');

async function observe({ pid, pids, redisPid, ms }) {
  const startMs = nowMs();
  const cpu = new CpuWindow(pids, redisPid).start();
  const samples = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const r = readRss(pid);
    if (r) samples.push(r.rssMb);
    await sleep(Math.min(500, Math.max(0, end - Date.now())));
  }
  const r = readRss(pid);
  if (r) samples.push(r.rssMb);
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    rssMb: {
      start: samples[0] ?? null,
      median: sorted.length ? sorted[Math.floor(sorted.length / 2)] : null,
      max: sorted.length ? sorted[sorted.length - 1] : null,
      end: samples[samples.length - 1] ?? null,
      peakEver: r?.hwmMb ?? null,
      series: samples.filter((_, i) => i % 2 === 0).map((v) => Math.round(v)),
    },
    cpu: cpu.stop(),
    window: { startMs, endMs: nowMs() },
  };
}

async function redisUsedMb(url) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  try {
    const info = await redis.info('memory');
    return Number(/^used_memory:(\d+)/m.exec(info)[1]) / 2 ** 20;
  } finally {
    redis.disconnect();
  }
}

/** scheduler id -> due time (epoch ms) of its next firing, from BullMQ's repeat sorted set. */
async function schedulerDueTimes(url, repeatKey) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  try {
    const flat = await redis.zrange(repeatKey, 0, -1, 'WITHSCORES');
    const due = new Map();
    for (let i = 0; i < flat.length; i += 2) due.set(flat[i], Number(flat[i + 1]));
    return due;
  } finally {
    redis.disconnect();
  }
}

module.exports = { observe, redisUsedMb, schedulerDueTimes };
