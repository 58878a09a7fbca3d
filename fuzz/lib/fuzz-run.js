'use strict';
// A seeded fuzz run over every inbound route of a real bridge process (dist), on the machine's
// Postgres and Redis with a database and key prefix of its own, removed at the end.
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { promisify } = require('node:util');
const fc = require('fast-check');
const { Client } = require('pg');
const Redis = require('ioredis');
const { anyRequest, CONSOLE_ROUTES } = require('./route.arbitraries');
const { toHttp } = require('./request.builder');
const { send } = require('./http.client');
const { startEchoPlatform } = require('./echo-platform');
const { BridgeUnderFuzz } = require('./bridge.process');
const { ConsoleSocketRunner } = require('./socket.runner');

const PG_BASE = process.env.FUZZ_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.FUZZ_REDIS_URL || 'redis://127.0.0.1:6379';
// The bridge's body limit (BODY_LIMIT_BYTES in apps/bridge/src/bridge-app.factory.ts).
const BODY_LIMIT_BYTES = 1024 * 1024 + 64 * 1024;

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

function labelOf(spec) {
  if (spec.route === 'sdk') return spec.auth === 'valid' ? 'sdk (valid JWT)' : 'sdk (invalid or no auth)';
  if (spec.route === 'livechat-webhook') return spec.withSecret ? 'livechat webhook (secret)' : 'livechat webhook (no secret)';
  if (spec.route === 'loopback') return spec.withSecret ? 'loopback (secret)' : 'loopback (no secret)';
  if (spec.route === 'console-api') return `console-api (${spec.auth} -> ${CONSOLE_ROUTES[spec.which][0]} route)`;
  return spec.route;
}

/** Runs `requests` generated requests with `seed`; resolves to the result the report is made of. */
async function runFuzz({ requests = 10_000, seed = 42, concurrency = 8, root = path.join(__dirname, '../..'), outDir, log = () => undefined }) {
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const dbName = `ab_fuzz_${runId}`;
  const dbUrl = Object.assign(new URL(PG_BASE), { pathname: `/${dbName}` }).toString();
  const keyPrefix = `ab-fuzz:${runId}`;
  const secret = () => randomBytes(18).toString('base64url');
  const bot = { botId: 'st-fuzz0000-0000-4000-8000-000000000001', clientId: 'cs-fuzz-app', clientSecret: secret() };
  const secrets = { livechat: secret(), loopback: secret(), ops: secret(), metrics: secret(), history: secret(), console: secret() };
  const admin = { email: 'fuzz-admin@example.com', password: secret() };
  const agentAccount = { email: 'fuzz-agent@example.com', password: secret() };
  fs.mkdirSync(outDir, { recursive: true });
  const echo = await startEchoPlatform();
  const port = await freePort();
  const env = {
    PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DATABASE_URL: dbUrl, REDIS_URL, REDIS_KEY_PREFIX: keyPrefix,
    KORE_CLIENT_ID: bot.clientId, KORE_CLIENT_SECRET: bot.clientSecret, KORE_REQUEST_TIMEOUT_MS: '2000', HANDOFF_PROVIDER: 'console',
    LOOPBACK_SECRET: secrets.loopback, LIVECHAT_WEBHOOK_SECRET: secrets.livechat, LIVECHAT_API_URL: echo.url, LIVECHAT_ACCOUNTS_URL: echo.url,
    OPS_PASSWORD: secrets.ops, METRICS_TOKEN: secrets.metrics, HISTORY_LINK_SECRET: secrets.history, CONSOLE_TOKEN_SECRET: secrets.console, LOG_LEVEL: 'warn',
  };
  const bridge = new BridgeUnderFuzz(root, env, path.join(outDir, 'bridge.log'));
  const result = { seed, requests, concurrency, startedAt: new Date().toISOString(), byRoute: {}, fiveXx: 0, failures: [], skipped: 0 };
  let socket;
  try {
    // The agent account first: its CLI creates and migrates the database, as `npm start` would.
    await promisify(execFile)(process.execPath, [path.join(root, 'dist/apps/bridge/src/cli/create-agent.js'), '--email', admin.email, '--name', 'Fuzz'], { env: { ...process.env, ...env, CONSOLE_PASSWORD: admin.password } });
    await promisify(execFile)(process.execPath, [path.join(root, 'dist/apps/bridge/src/cli/create-agent.js'), '--email', agentAccount.email, '--name', 'Fuzz Agent', '--role', 'agent'], { env: { ...process.env, ...env, CONSOLE_PASSWORD: agentAccount.password } });
    await bridge.start();
    const bridgeUrl = `http://127.0.0.1:${port}`;
    log(`bridge up on ${bridgeUrl} (database ${dbName}, key prefix ${keyPrefix})`);
    result.memory = { start: await bridge.memoryAfterGc() };
    const signIn = await send(bridgeUrl, { method: 'POST', path: '/console/api/sign-in', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) });
    const session = JSON.parse(signIn.body);
    socket = new ConsoleSocketRunner(bridgeUrl, session.token, session.agent.id);
    await socket.open();
    const { signJwt } = require(path.join(root, 'dist/libs/botkit/src'));
    const agentSignIn = await send(bridgeUrl, { method: 'POST', path: '/console/api/sign-in', headers: { 'content-type': 'application/json' }, body: JSON.stringify(agentAccount) });
    const tokens = {
      admin: session.token,
      agent: JSON.parse(agentSignIn.body).token,
      expired: signJwt({ sub: session.agent.id, role: 'admin', gen: 0, exp: Math.floor(Date.now() / 1000) - 120 }, secrets.console, 'HS256'),
    };
    const ctx = { bot, secrets, admin, tokens, echoUrl: echo.url, signJwt };
    const specs = fc.sample(anyRequest, { seed, numRuns: requests });
    const count = (label, outcome) => {
      const route = (result.byRoute[label] ??= {});
      route[outcome] = (route[outcome] ?? 0) + 1;
    };
    let next = 0;
    let done = 0;
    const warmupAt = Math.floor(requests / 10);
    const one = async (spec) => {
      const label = labelOf(spec);
      if (spec.route === 'console-socket') return count(label, await socket.emit(spec));
      if (spec.route === 'console-socket-auth') return count(label, await socket.tryConnect(spec));
      const req = toHttp(spec, ctx);
      const res = await send(bridgeUrl, req);
      if (res.skipped) return (result.skipped++, count(label, 'not sent (refused by the client)'));
      // Past the body limit the bridge answers 413 and stops reading: the client may see the close first.
      const overLimit = res.error && /EPIPE|ECONNRESET/.test(res.error) && Buffer.byteLength(req.body ?? '') > BODY_LIMIT_BYTES;
      const outcome = overLimit ? 'closed while uploading past the body limit' : res.error ? `error: ${res.error}` : String(res.status);
      count(label, outcome);
      if ((res.error && !overLimit) || res.status >= 500) {
        if (res.status >= 500) result.fiveXx++;
        if (result.failures.length < 25) result.failures.push({ route: label, method: req.method, path: req.path.slice(0, 200), outcome, body: (req.body ?? '').slice(0, 300), answer: (res.body ?? '').slice(0, 300) });
      }
    };
    const worker = async () => {
      while (next < specs.length && bridge.alive) {
        await one(specs[next++]);
        if (++done % 1000 === 0) log(`${done}/${requests} requests`);
        if (done === warmupAt && !result.memory.afterWarmup) result.memory.afterWarmup = await bridge.memoryAfterGc();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    result.socketExceptions = socket.exceptions;
    result.fiveXx += socket.exceptions;
    result.crashed = !bridge.alive;
    if (!result.crashed) {
      const live = await send(bridgeUrl, { method: 'GET', path: '/health/live', headers: {} });
      result.liveAtEnd = live.status;
      result.memory.end = await bridge.memoryAfterGc();
    }
  } finally {
    socket?.close();
    result.exit = bridge.alive ? { ...(await bridge.stop()), stoppedBy: 'SIGTERM at the end' } : { ...bridge.exit, stoppedBy: 'crash' };
    result.crashed = result.crashed || result.exit.stoppedBy === 'crash';
    result.echoCalls = echo.calls();
    await echo.close();
    result.cleanup = await cleanUp(dbName, keyPrefix);
    result.finishedAt = new Date().toISOString();
  }
  return result;
}

async function cleanUp(dbName, keyPrefix) {
  const problems = [];
  const admin = new Client({ connectionString: PG_BASE });
  try {
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  } catch (error) {
    problems.push(`drop ${dbName}: ${error.message}`);
  } finally {
    await admin.end().catch(() => undefined);
  }
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 2000);
      cursor = nextCursor;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } catch (error) {
    problems.push(`redis cleanup: ${error.message}`);
  } finally {
    redis.disconnect();
  }
  return problems;
}

module.exports = { runFuzz };
