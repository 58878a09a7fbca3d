'use strict';
// Everything one fault scenario runs on: its own Redis, a fresh database (on the shared Postgres, or
// on a cluster of its own for the Postgres fault), both sandboxes, the bridges and the worker as OS
// processes from dist (node with npm start's flags), and the proxies in front of them.
const path = require('node:path');
const { Client } = require('pg');
const { Children } = require('../../bench/lib/children');
const { freePort, startFlags } = require('../../bench/lib/bridge');
const { liveChatEnv, registerWebhooks } = require('../../bench/stages/shared');
const { OwnRedis, OwnPostgres } = require('./stores');
const { OutageProxy } = require('./outage-proxy');

class Stack {
  constructor(ctx, scenario) {
    this.ctx = ctx;
    this.name = scenario.name;
    this.setup = scenario.setup;
    this.children = new Children(ctx.logDir);
    ctx.allChildren.push(this.children);
    this.bridges = [];
    this.worker = null;
    this.proxies = [];
  }

  async start() {
    const { ctx, setup } = this;
    this.redis = new OwnRedis(this.children, this.name);
    ctx.tempDirs.push(this.redis.dir);
    await this.redis.start();
    if (setup.ownPostgres) {
      this.pg = new OwnPostgres(this.name);
      ctx.clusters.push(this.pg);
      await this.pg.init();
      await this.pg.start();
      this.databaseUrl = this.pg.databaseUrl('agent_bridge_chaos');
    } else {
      this.databaseUrl = ctx.env.databaseUrl(this.name.replace(/-/g, '_'));
    }
    const platformPort = await freePort();
    this.platformProxy = this.proxy(platformPort);
    await this.platformProxy.start();
    const hostEnv = { CHAOS_ROOT: ctx.root, CHAOS_BOT_ID: ctx.bot.botId, CHAOS_CLIENT_ID: ctx.bot.clientId, CHAOS_CLIENT_SECRET: ctx.bot.clientSecret };
    this.platform = await this.fork(`${this.name}-platform-sim`, 'platform.host.js', { ...hostEnv, CHAOS_PLATFORM_PORT: String(platformPort), CHAOS_PLATFORM_PUBLIC_URL: this.platformProxy.url });
    if (setup.provider === 'livechat') this.livechat = await this.fork(`${this.name}-livechat-sim`, 'livechat.host.js', hostEnv);
    for (let i = 0; i < setup.bridges; i++) {
      this.bridges.push({ index: i, port: await freePort(), handle: null });
      await this.startBridge(i);
    }
    if (setup.worker) await this.startWorker();
    // The platform spreads events itself; LiveChat's webhooks reach the bridges through a balancer.
    await this.platform.rpc.call('setBridgeUrls', this.bridges.map((b) => `http://127.0.0.1:${b.port}`));
    if (this.livechat) {
      this.webhookProxy = this.proxy(this.bridges.map((b) => b.port));
      await this.webhookProxy.start();
      await registerWebhooks({ root: ctx.root }, this.livechat, `${this.webhookProxy.url}/webhooks/livechat`);
    }
  }

  proxy(ports) {
    const p = new OutageProxy(ports);
    this.proxies.push(p);
    return p;
  }

  async fork(name, script, env = {}) {
    // Children.fork looks in bench/children; these hosts live in chaos/children.
    return this.children.fork(name, path.join('..', '..', 'chaos', 'children', script), { env });
  }

  env(extra = {}) {
    const { ctx, setup } = this;
    return {
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redis.url,
      REDIS_KEY_PREFIX: `ab-chaos:${ctx.runId}:${this.name}`,
      KORE_CLIENT_ID: ctx.bot.clientId,
      KORE_CLIENT_SECRET: ctx.bot.clientSecret,
      LOG_LEVEL: ctx.opts.logLevel,
      ...(this.livechat ? liveChatEnv(this.livechat) : { HANDOFF_PROVIDER: setup.provider }),
      ...(setup.worker ? { RUN_WORKERS: 'false' } : {}),
      ...(typeof setup.env === 'function' ? setup.env(ctx.opts) : setup.env),
      ...extra,
    };
  }

  /** Starts (or restarts, on the same port) bridge i; resolves once it listens. */
  async startBridge(i) {
    const b = this.bridges[i];
    const url = `http://127.0.0.1:${b.port}`;
    b.handle = await this.children.spawnNode(`${this.name}-bridge${i}`, path.join(this.ctx.root, 'dist/apps/bridge/src/main.js'), {
      cwd: this.ctx.root,
      nodeArgs: startFlags(this.ctx.root),
      readyText: 'agent-bridge listening',
      env: this.env({ PORT: String(b.port), PUBLIC_URL: url }),
    });
    b.url = url;
    return b;
  }

  async startWorker() {
    this.worker = await this.children.spawnNode(`${this.name}-worker`, path.join(this.ctx.root, 'dist/apps/worker/src/main.js'), {
      cwd: this.ctx.root,
      nodeArgs: startFlags(this.ctx.root),
      readyText: 'agent-bridge worker running',
      env: this.env(),
    });
    return this.worker;
  }

  /** kill -9 of a process this stack started (by its PID); resolves once it is gone. */
  async kill(handle) {
    const child = handle.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(handle.pid, 'SIGKILL');
    await exited;
  }

  /** One query on the scenario's database, on a fresh connection (it survives a Postgres restart). */
  async query(sql, params) {
    const c = new Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 5000 });
    c.on('error', () => undefined);
    await c.connect();
    try {
      return (await c.query(sql, params)).rows;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  /** Stops everything it started, by PID; never throws. */
  async stop() {
    const problems = [];
    await this.children.stopAll(10_000).catch((e) => problems.push(`children: ${e.message}`));
    for (const p of this.proxies) await p.stop().catch((e) => problems.push(`proxy: ${e.message}`));
    await this.redis?.destroy().catch((e) => problems.push(`redis: ${e.message}`));
    if (this.pg) {
      try {
        this.pg.destroySync();
      } catch (e) {
        problems.push(`postgres: ${e.message}`);
      }
    }
    return problems;
  }
}

module.exports = { Stack };
