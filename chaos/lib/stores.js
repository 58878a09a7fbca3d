'use strict';
// The run's own Redis (appendonly, in a temp dir) and, for the Postgres fault, its own Postgres
// cluster: started on free loopback ports, stopped by PID. The machine's shared stores are never touched.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const Redis = require('ioredis');
const { Client } = require('pg');
const { freePort } = require('../../bench/lib/bridge');
const { waitFor } = require('../../bench/lib/wait');

const PG_BIN = process.env.CHAOS_PG_BIN || '/usr/lib/postgresql/15/bin';

/** A redis-server of the run's own: `appendonly yes`, its data in a temp dir; stop/start keeps the dir. */
class OwnRedis {
  constructor(children, label) {
    this.children = children;
    this.label = label;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `chaos-redis-${label}-`));
    this.handle = null;
  }

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start() {
    this.port ??= await freePort();
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--save', '', '--protected-mode', 'no', '--hz', '100'];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.handle = this.children.track(`redis(${this.label})`, child);
    await waitFor(`redis on ${this.port}`, () => this.ping(), 15_000, 100);
  }

  async ping() {
    if (this.handle?.child.exitCode !== null && this.handle?.child.exitCode !== undefined) throw new Error(`redis-server exited:\n${this.handle.logs()}`);
    const r = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      // After a restart Redis answers LOADING while it replays the AOF.
      return (await r.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      r.disconnect();
    }
  }

  /** SIGTERM: Redis fsyncs its AOF and exits (a clean restart; see chaos/README.md). */
  async stop() {
    if (this.handle) await this.handle.stop(10_000);
    this.handle = null;
  }

  async flushAll() {
    const r = new Redis(this.url, { maxRetriesPerRequest: 2 });
    try {
      await r.flushall();
    } finally {
      r.disconnect();
    }
  }

  /** Delayed BullMQ jobs (session timers among them) by queue and job-id kind (`<queue>/keepalive` for `keepalive:<id>`). */
  async delayedJobs() {
    const r = new Redis(this.url, { maxRetriesPerRequest: 2 });
    const kinds = {};
    try {
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', '*:delayed', 'COUNT', 1000);
        cursor = next;
        for (const key of keys) {
          const queue = key.slice(0, -':delayed'.length).split(':').pop();
          for (const id of await r.zrange(key, 0, -1)) {
            const kind = `${queue}/${id.includes(':') ? id.split(':')[0] : 'job'}`;
            kinds[kind] = (kinds[kind] || 0) + 1;
          }
        }
      } while (cursor !== '0');
    } finally {
      r.disconnect();
    }
    return kinds;
  }

  async destroy() {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A Postgres cluster of the run's own (initdb into a temp dir as the postgres OS user, since initdb
 * refuses root), started and stopped with pg_ctl; the postmaster's PID comes from postmaster.pid.
 */
class OwnPostgres {
  constructor(label) {
    this.label = label;
    this.dir = null;
    this.port = null;
    this.asRoot = process.getuid?.() === 0;
  }

  get baseUrl() {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  databaseUrl(name) {
    return `postgres://postgres@127.0.0.1:${this.port}/${name}`;
  }

  run(bin, args, timeout = 60_000) {
    const cmd = path.join(PG_BIN, bin);
    const [file, argv] = this.asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
    return execFileSync(file, argv, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  async init() {
    this.port = await freePort();
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `chaos-pg-${this.label}-`));
    if (this.asRoot) execFileSync('chown', ['postgres:postgres', this.dir]);
    this.run('initdb', ['-D', path.join(this.dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], 120_000);
  }

  async start() {
    const opts = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c max_connections=200 -c shared_buffers=64MB`;
    this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-o', opts, '-l', path.join(this.dir, 'server.log'), '-w', '-t', '60', 'start']);
    this.pid = this.postmasterPid();
    await waitFor(`postgres on ${this.port}`, () => this.ping(), 30_000, 200);
  }

  postmasterPid() {
    try {
      return Number(fs.readFileSync(path.join(this.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return null;
    }
  }

  async ping() {
    const c = new Client({ connectionString: this.baseUrl, connectionTimeoutMillis: 2000 });
    c.on('error', () => undefined);
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  /** `fast`: a clean stop that disconnects every client at once (see chaos/README.md). */
  stop(mode = 'fast') {
    if (!this.dir || !this.postmasterPid()) return;
    try {
      this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', mode, '-w', '-t', '60', 'stop']);
    } catch (error) {
      // pg_ctl could not stop it: the postmaster by its own PID, never by name.
      const pid = this.postmasterPid();
      if (pid) {
        try {
          process.kill(pid, 'SIGQUIT');
        } catch {
          // already gone
        }
      }
      if (!/not running|No such process/i.test(String(error.stderr || error.message))) throw error;
    }
  }

  /** Synchronous, for process exit and Ctrl-C. */
  destroySync() {
    try {
      this.stop('immediate');
    } catch {
      // reported by the caller's clean-up where it matters
    }
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

module.exports = { OwnRedis, OwnPostgres };
