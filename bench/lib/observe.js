'use strict';
// A quiet window: RSS of one process sampled twice a second, and CPU of the named processes.
const { CpuWindow, readRss } = require('./proc-stats');
const { sleep, nowMs } = require('./clock');
const Redis = require('ioredis');

/**
 * For `ms`, or until `until()` is true when given. RSS of `pid` as rssMb, and of each of `rssOf`
 * ({ name: pid }, e.g. the worker beside the bridge) as rssMbOf[name].
 */
async function observe({ pid, pids, redisPid, ms = 0, until = null, rssOf = {} }) {
  const startMs = nowMs();
  const cpu = new CpuWindow(pids, redisPid).start();
  const watched = { '': pid, ...rssOf };
  const samples = Object.fromEntries(Object.keys(watched).map((name) => [name, []]));
  const sample = () => {
    const last = {};
    for (const [name, p] of Object.entries(watched)) {
      const r = readRss(p);
      if (r) samples[name].push(r.rssMb);
      last[name] = r;
    }
    return last;
  };
  const end = Date.now() + ms;
  while (until ? !until() : Date.now() < end) {
    sample();
    await sleep(until ? 500 : Math.min(500, Math.max(0, end - Date.now())));
  }
  const last = sample();
  const { '': own, ...others } = samples;
  return {
    rssMb: rssFigures(own, last['']),
    ...(Object.keys(others).length ? { rssMbOf: Object.fromEntries(Object.entries(others).map(([name, s]) => [name, rssFigures(s, last[name])])) } : {}),
    cpu: cpu.stop(),
    window: { startMs, endMs: nowMs() },
  };
}

function rssFigures(samples, last) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    start: samples[0] ?? null,
    // The floor: what the process kept after its last major GC in the window (the median depends on when V8 ran one).
    min: sorted.length ? sorted[0] : null,
    median: sorted.length ? sorted[Math.floor(sorted.length / 2)] : null,
    max: sorted.length ? sorted[sorted.length - 1] : null,
    end: samples[samples.length - 1] ?? null,
    peakEver: last?.hwmMb ?? null,
    series: samples.filter((_, i) => i % 2 === 0).map((v) => Math.round(v)),
  };
}

/** INFO memory's used_memory (what the dataset and Redis's own structures take, not the allocator's slack), and the key count. */
async function redisMemory(url) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  try {
    const info = await redis.info('memory');
    const field = (name) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
    return { usedBytes: field('used_memory'), rssBytes: field('used_memory_rss'), keys: await redis.dbsize() };
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

module.exports = { observe, redisMemory, schedulerDueTimes };
