'use strict';
// The keep-alive baseline: the same number of BullMQ job schedulers as the bridge has sessions, on the
// same interval, each firing doing the least a keep-alive must: read the session row (Postgres, by
// primary key) and POST extendcallid to the platform. No Nest, no other queues.
const http = require('node:http');
const { createHmac } = require('node:crypto');
const { Queue, Worker } = require('bullmq');
const { Pool } = require('pg');
const { serve } = require('../lib/rpc');

const cfg = JSON.parse(process.env.BENCH_TIMERS_CONFIG);
const connection = { url: cfg.redisUrl };
const queue = new Queue(cfg.queueName, { connection, prefix: cfg.keyPrefix });
const pool = new Pool({ connectionString: cfg.databaseUrl, max: 10 });
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' });
let worker = null;
const counters = { fired: 0, failed: 0 };

const b64url = (s) => Buffer.from(s).toString('base64url');
function auth() {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify({ appId: cfg.clientId, exp: Math.floor(Date.now() / 1000) + 60 }));
  return `${head}.${body}.${createHmac('sha256', cfg.clientSecret).update(`${head}.${body}`).digest('base64url')}`;
}

function extend(rid) {
  const body = JSON.stringify({ requestId: rid });
  return new Promise((resolve, reject) => {
    const req = http.request(`${cfg.simUrl}/api/botsdk/stream/${encodeURIComponent(cfg.botId)}/extendcallid/${encodeURIComponent(rid)}`, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), auth: auth() },
      timeout: 10_000,
    }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`extendcallid ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

serve({
  /** sessions: [{ user, rid }]; first firings spread evenly over one interval, so the rate is steady at once. */
  start: async ({ sessions, everyMs, concurrency = 50 }) => {
    await pool.query(`CREATE TABLE IF NOT EXISTS bench_baseline_sessions (user_id text PRIMARY KEY, request_id text NOT NULL, extended_at timestamptz)`);
    await pool.query(`INSERT INTO bench_baseline_sessions (user_id, request_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`, [
      sessions.map((s) => s.user),
      sessions.map((s) => s.rid),
    ]);
    worker = new Worker(
      cfg.queueName,
      async (job) => {
        const { rows } = await pool.query('SELECT request_id FROM bench_baseline_sessions WHERE user_id = $1', [job.data.user]);
        await extend(rows[0].request_id);
        counters.fired++;
      },
      { connection, prefix: cfg.keyPrefix, concurrency },
    );
    worker.on('failed', () => counters.failed++);
    const now = Date.now();
    let next = 0;
    const add = async () => {
      while (next < sessions.length) {
        const i = next++;
        await queue.upsertJobScheduler(
          `ka.${sessions[i].user}`,
          { every: everyMs, startDate: now + 2000 + Math.floor((i * everyMs) / sessions.length) },
          { name: 'keepalive', data: { user: sessions[i].user }, opts: { removeOnComplete: true, removeOnFail: { count: 1000 } } },
        );
      }
    };
    await Promise.all(Array.from({ length: 20 }, add));
    return { schedulers: sessions.length, seconds: (Date.now() - now) / 1000 };
  },
  counters: () => ({ ...counters }),
  stop: async () => {
    if (worker) await worker.close();
    await queue.close();
    await pool.end();
    return true;
  },
});
process.send({ ready: true });
