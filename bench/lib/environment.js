'use strict';
// The stores of one run: a fresh database per system under test and a fresh Redis key prefix, both
// removed at the end; and the facts about the machine the report must carry.
const os = require('node:os');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const { Client } = require('pg');
const Redis = require('ioredis');

const PG_BASE = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';

class Environment {
  constructor(runId) {
    this.runId = runId;
    this.databases = new Set();
    this.prefixes = new Set();
    this.redisUrl = REDIS_URL;
  }

  /** A database URL for `label`; the bridge creates and migrates it itself, the baseline asks for it here. */
  databaseUrl(label) {
    const name = `ab_bench_${this.runId}_${label}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    this.databases.add(name);
    const url = new URL(PG_BASE);
    url.pathname = `/${name}`;
    return url.toString();
  }

  async createDatabase(url) {
    const name = new URL(url).pathname.slice(1);
    await this.admin(async (c) => {
      const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) await c.query(`CREATE DATABASE "${name}"`);
    });
  }

  keyPrefix(label) {
    const prefix = `ab-bench:${this.runId}:${label}`;
    this.prefixes.add(prefix);
    return prefix;
  }

  async admin(work) {
    const c = new Client({ connectionString: PG_BASE });
    await c.connect();
    try {
      return await work(c);
    } finally {
      await c.end();
    }
  }

  /** Drops every database and Redis key of this run; never throws (it runs in `finally`). */
  async destroy() {
    const problems = [];
    for (const name of this.databases) {
      try {
        await this.admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      } catch (error) {
        problems.push(`drop ${name}: ${error.message}`);
      }
    }
    const redis = new Redis(this.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
    try {
      await redis.connect();
      for (const prefix of this.prefixes) {
        let cursor = '0';
        let rounds = 0;
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 2000);
          cursor = next;
          if (keys.length) await redis.unlink(...keys);
        } while (cursor !== '0' && ++rounds < 100_000);
      }
    } catch (error) {
      problems.push(`redis cleanup: ${error.message}`);
    } finally {
      redis.disconnect();
    }
    return problems;
  }
}

/** Cores, Node, Redis (version, hz, pid), Postgres, what else runs on the box. */
async function machineInfo() {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  let redisInfo;
  try {
    const [, hz] = await redis.config('GET', 'hz');
    const server = await redis.info('server');
    const field = (name) => (new RegExp(`^${name}:(.*)$`, 'm').exec(server) || [])[1]?.trim();
    redisInfo = { version: field('redis_version'), hz: Number(hz), pid: Number(field('process_id')) };
  } finally {
    redis.disconnect();
  }
  const pg = new Client({ connectionString: PG_BASE });
  await pg.connect();
  let pgVersion;
  let pgSettings;
  try {
    pgVersion = (await pg.query('SHOW server_version')).rows[0].server_version;
    pgSettings = {};
    for (const name of ['synchronous_commit', 'fsync', 'shared_buffers', 'max_connections']) {
      pgSettings[name] = (await pg.query(`SELECT current_setting($1) AS v`, [name])).rows[0].v;
    }
  } finally {
    await pg.end();
  }
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    redis: redisInfo,
    postgres: { version: pgVersion, ...pgSettings },
    services: loadedServices(),
    loadAverage: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

/** Long-running services on the box (listening sockets), to say what shared the two cores. */
function loadedServices() {
  try {
    const out = execFileSync('ss', ['-Hltnp'], { encoding: 'utf8', timeout: 5000 });
    const names = new Set();
    for (const line of out.split('\n')) {
      const m = /users:\(\("([^"]+)"/.exec(line);
      if (m) names.add(m[1]);
    }
    return [...names].sort();
  } catch {
    return [];
  }
}

function gitCommit(root) {
  try {
    const head = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return fs.existsSync(`${root}/.bench-source`) ? fs.readFileSync(`${root}/.bench-source`, 'utf8').trim() : 'unknown';
  }
}

module.exports = { Environment, machineInfo, gitCommit, REDIS_URL };
