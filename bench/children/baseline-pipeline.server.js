'use strict';
// The baseline: the least a durable relay must do per message, hand-written on node:http, ioredis,
// pg and a keep-alive http.request client, with no framework and no queue:
//   user message:  verify the platform JWT -> dedupe in Redis (SET NX) -> INSERT in Postgres ->
//                  POST send_event to the LiveChat sandbox, or POST an incoming message to the Chatwoot
//                  sandbox (or emit to the agent's socket.io room) -> 200
//   agent message: check the webhook secret (Chatwoot: path secret and signature) -> dedupe -> INSERT ->
//                  POST sendUserMessage to the platform -> 200
// Session state (user -> chat, latest request) is kept in memory, which the bridge cannot afford to do.
const http = require('node:http');
const { createHmac, timingSafeEqual } = require('node:crypto');
const Redis = require('ioredis');
const { Pool } = require('pg');
const { serve } = require('../lib/rpc');

const cfg = JSON.parse(process.env.BENCH_BASELINE_CONFIG);
const redis = new Redis(cfg.redisUrl, { enableAutoPipelining: false });
const pool = new Pool({ connectionString: cfg.databaseUrl, max: 10 });
const outbound = new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' });

let chats = {}; // user -> { token, region, chatId, entityId } (Chatwoot: { chatId }, the conversation's display id)
let byChat = new Map(); // chatId -> user
let agentOf = {}; // user -> console agent id (socket.io sink)
const latest = new Map(); // user -> latest on_user_message body (the request context replies must use)
let io = null;
const counters = { user: 0, agent: 0, duplicate: 0, ignored: 0, failed: 0 };

const b64url = (s) => Buffer.from(s).toString('base64url');

function verifyJwt(token) {
  if (typeof token !== 'string') return false;
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  const expected = createHmac('sha256', cfg.clientSecret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  return claims.appId === cfg.clientId && typeof claims.exp === 'number' && claims.exp > Date.now() / 1000;
}

let authSecond = -1;
let authToken = '';
function platformAuth() {
  const now = Math.floor(Date.now() / 1000);
  if (now !== authSecond) {
    authSecond = now;
    const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const body = b64url(JSON.stringify({ appId: cfg.clientId, exp: now + 60 }));
    authToken = `${head}.${body}.${createHmac('sha256', cfg.clientSecret).update(`${head}.${body}`).digest('base64url')}`;
  }
  return authToken;
}

function post(url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: outbound, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers }, timeout: 15_000 }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode >= 200 && res.statusCode < 300 ? resolve() : reject(new Error(`HTTP ${res.statusCode} from ${url}`))));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

const INSERT = `INSERT INTO bench_baseline_messages (conversation, direction, external_id, text) VALUES ($1, $2, $3, $4)
  ON CONFLICT (conversation, direction, external_id) DO NOTHING`;

async function userMessage(botId, event, body) {
  const user = body.channel?.from;
  const rid = String(body.requestId);
  if (!(await redis.set(`${cfg.keyPrefix}:dedupe:${botId}:${event}:${rid}`, '1', 'EX', 86400, 'NX'))) {
    counters.duplicate++;
    return;
  }
  await pool.query(INSERT, [user, 'to_agent', rid, body.message]);
  latest.set(user, body);
  if (io) {
    io.of('/console').to(`agent:${agentOf[user]}`).emit('message', { conversationId: user, kind: 'user', text: body.message, at: new Date().toISOString() });
  } else if (cfg.sink === 'chatwoot') {
    const payload = JSON.stringify({ content: body.message, message_type: 'incoming', source_id: rid });
    await post(`${cfg.chatwootUrl}/api/v1/accounts/${cfg.accountId}/conversations/${chats[user].chatId}/messages`, { api_access_token: cfg.apiToken }, payload);
  } else {
    const chat = chats[user];
    const payload = JSON.stringify({ chat_id: chat.chatId, event: { type: 'message', text: body.message, recipients: 'all', custom_id: rid } });
    await post(`${cfg.livechatUrl}/v3.6/customer/action/send_event?organization_id=${encodeURIComponent(cfg.organizationId)}`, { authorization: `Bearer ${chat.token}`, 'x-region': chat.region }, payload);
  }
  counters.user++;
}

async function livechatWebhook(envelope) {
  const given = createHmac('sha256', 'k').update(String(envelope.secret_key)).digest();
  const expected = createHmac('sha256', 'k').update(cfg.webhookSecret).digest();
  if (!timingSafeEqual(given, expected)) return 401;
  const payload = envelope.payload || {};
  const event = payload.event;
  const user = byChat.get(payload.chat_id);
  if (envelope.action !== 'incoming_event' || !event || event.type !== 'message' || !user || event.author_id === chats[user].entityId) {
    counters.ignored++; // our own customer messages come back as incoming_event too
    return 200;
  }
  if (!(await redis.set(`${cfg.keyPrefix}:dedupe:lc:${payload.chat_id}:${event.id}`, '1', 'EX', 86400, 'NX'))) {
    counters.duplicate++;
    return 200;
  }
  await pool.query(INSERT, [user, 'to_user', event.id, event.text]);
  const context = latest.get(user);
  const body = JSON.stringify({ ...context, message: event.text });
  await post(`${context.baseUrl}/sendUserMessage/${encodeURIComponent(context.requestId)}`, { auth: platformAuth() }, body);
  counters.agent++;
  return 200;
}

const sameText = (a, b) => timingSafeEqual(createHmac('sha256', 'k').update(String(a)).digest(), createHmac('sha256', 'k').update(String(b)).digest());

/** Chatwoot's account webhook: the path secret and the signature over `<timestamp>.<raw body>`, as the bridge checks them. */
async function chatwootWebhook(secret, headers, raw) {
  if (!sameText(secret, cfg.pathSecret)) return 401;
  const timestamp = headers['x-chatwoot-timestamp'];
  if (typeof timestamp !== 'string' || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return 401;
  if (!sameText(headers['x-chatwoot-signature'], `sha256=${createHmac('sha256', cfg.signingSecret).update(`${timestamp}.${raw}`).digest('hex')}`)) return 401;
  const body = JSON.parse(raw);
  const conversationId = String(body.conversation?.id);
  const user = byChat.get(conversationId);
  // Our own incoming messages and the conversation events come back too; only an agent's public reply goes on.
  if (body.event !== 'message_created' || body.message_type !== 'outgoing' || body.private || !user) {
    counters.ignored++;
    return 200;
  }
  if (!(await redis.set(`${cfg.keyPrefix}:dedupe:cw:${conversationId}:${body.id}`, '1', 'EX', 86400, 'NX'))) {
    counters.duplicate++;
    return 200;
  }
  await pool.query(INSERT, [user, 'to_user', String(body.id), body.content]);
  const context = latest.get(user);
  await post(`${context.baseUrl}/sendUserMessage/${encodeURIComponent(context.requestId)}`, { auth: platformAuth() }, JSON.stringify({ ...context, message: body.content }));
  counters.agent++;
  return 200;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer(async (req, res) => {
  try {
    const text = await readBody(req);
    const sdk = /^\/sdk\/bots\/([^/]+)\/([^/]+)$/.exec(req.url);
    if (req.method === 'POST' && sdk) {
      if (!verifyJwt(req.headers.token)) return reply(res, 401, { errors: [{ msg: 'invalid token' }] });
      await userMessage(decodeURIComponent(sdk[1]), sdk[2], JSON.parse(text));
      return reply(res, 200, { ok: true });
    }
    if (req.method === 'POST' && req.url === '/webhooks/livechat') {
      const status = await livechatWebhook(JSON.parse(text));
      return reply(res, status, status === 200 ? { ok: true } : { error: 'unauthorized' });
    }
    const chatwoot = /^\/webhooks\/chatwoot\/([^/?]+)$/.exec(req.url);
    if (req.method === 'POST' && chatwoot) {
      const status = await chatwootWebhook(decodeURIComponent(chatwoot[1]), req.headers, text);
      return reply(res, status, status === 200 ? { ok: true } : { error: 'unauthorized' });
    }
    reply(res, 404, { error: 'not found' });
  } catch (error) {
    counters.failed++;
    reply(res, 500, { error: error.message });
  }
});
server.keepAliveTimeout = 65_000;

async function main() {
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_baseline_messages (
    id bigserial PRIMARY KEY, conversation text NOT NULL, direction text NOT NULL, external_id text NOT NULL,
    text text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (conversation, direction, external_id))`);
  if (cfg.sink === 'socketio') {
    const { Server } = require('socket.io');
    io = new Server(server, { transports: ['websocket'] });
    io.of('/console').on('connection', (socket) => socket.join(`agent:${socket.handshake.auth.agentId}`));
  }
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  serve({
    setup: (input) => {
      chats = input.chats || {};
      byChat = new Map(Object.entries(chats).map(([user, c]) => [c.chatId, user]));
      agentOf = input.agentOf || {};
      for (const [user, context] of Object.entries(input.contexts || {})) latest.set(user, context);
      return Object.keys(chats).length;
    },
    counters: () => ({ ...counters }),
  });
  process.send({ ready: true, info: { url: `http://127.0.0.1:${server.address().port}` } });
}

main().catch((error) => {
  console.error(error.stack);
  process.exit(1);
});
