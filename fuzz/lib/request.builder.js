'use strict';
// Turns a generated description into an HTTP request against the run's bridge: secrets, fresh
// JWTs and callback URLs are filled in here, so that a seed replays the same requests.
const { createHmac } = require('node:crypto');
const { encodeSegment } = require('./text.arbitraries');
const { CONSOLE_ROUTES } = require('./route.arbitraries');

const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const safeJson = (value) => JSON.stringify(value === undefined ? null : value);

function sdkAuth(kind, ctx) {
  const { bot, signJwt } = ctx;
  const now = Math.floor(Date.now() / 1000);
  switch (kind) {
    case 'valid': return { token: signJwt({ appId: bot.clientId, exp: now + 60 }, bot.clientSecret, 'HS256') };
    case 'expired': return { token: signJwt({ appId: bot.clientId, exp: now - 120 }, bot.clientSecret, 'HS256') };
    case 'wrong-secret': return { token: signJwt({ appId: bot.clientId, exp: now + 60 }, 'not-the-secret', 'HS256') };
    case 'wrong-app': return { token: signJwt({ appId: 'cs-other', exp: now + 60 }, bot.clientSecret, 'HS256') };
    case 'hs512': return { token: signJwt({ appId: bot.clientId, exp: now + 60 }, bot.clientSecret, 'HS512') };
    case 'garbage': return { token: 'eyJhbGciOiJub25lIn0.e30.' };
    case 'apikey': return { apikey: bot.clientSecret };
    default: return {};
  }
}

function sdkBody(spec, ctx, requestId) {
  if (typeof spec === 'string') return spec;
  const { urls, ...body } = spec;
  const id = encodeSegment(String(requestId ?? 'x'));
  if (urls === 'echo' || urls === 'odd') {
    const base = urls === 'echo' ? `${ctx.echoUrl}/api/botsdk/stream/${ctx.bot.botId}` : 'ftp://nowhere';
    for (const fn of ['sendUserMessage', 'sendBotMessage', 'skipUserMessage', 'skipBotMessage', 'resetBot', 'clearConversationSession', 'sendAlertMessage', 'sendBotEvent', 'serviceCallback']) {
      body[`${fn === 'serviceCallback' ? 'callback' : fn}Url`] = `${base}/${fn}/${id}`;
    }
    body.baseUrl = base;
    body.getBotVariableUrl = `${base}/getBotVariable`;
  }
  return JSON.stringify(body);
}

function historyToken(token, ctx) {
  if (token.raw !== undefined) return encodeSegment(token.raw);
  const e = token.e === 'future' ? Math.floor(Date.now() / 1000) + 3600 : token.e === 'past' ? 1 : token.e;
  const body = Buffer.from(JSON.stringify({ c: token.c, e })).toString('base64url');
  const signature = createHmac('sha256', ctx.secrets.history).update(body).digest('base64url');
  return `${body}.${token.tamper ? signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) : signature}`;
}

function opsAuth(kind, ctx) {
  return { ops: basic('ops', ctx.secrets.ops), admin: basic(ctx.admin.email, ctx.admin.password), garbage: 'Basic %%%', wrong: basic('ops', 'wrong') }[kind];
}

/** { method, path, headers, body } for an HTTP description; socket descriptions are run elsewhere. */
function toHttp(spec, ctx) {
  const json = { 'content-type': 'application/json' };
  switch (spec.route) {
    case 'sdk': {
      const botId = spec.botId === '$bot' ? ctx.bot.botId : encodeSegment(spec.botId);
      const event = encodeSegment(spec.event);
      const path = spec.component === undefined ? `/sdk/bots/${botId}/${event}` : `/sdk/bots/${botId}/components/${encodeSegment(spec.component)}/${event}`;
      const headers = { ...sdkAuth(spec.auth, ctx), ...(spec.contentType ? { 'content-type': spec.contentType } : {}) };
      return { method: 'POST', path, headers, body: sdkBody(spec.body, ctx, typeof spec.body === 'object' ? spec.body.requestId : undefined) };
    }
    case 'livechat-webhook': {
      const body = typeof spec.body === 'string' ? spec.body : JSON.stringify({ ...spec.body, secret_key: spec.withSecret ? ctx.secrets.livechat : 'wrong' });
      return { method: 'POST', path: '/webhooks/livechat', headers: json, body };
    }
    case 'loopback': {
      const headers = { ...json, ...(spec.withSecret ? { 'x-loopback-secret': ctx.secrets.loopback } : {}) };
      const ref = encodeSegment(spec.ref);
      const body = typeof spec.body === 'string' ? spec.body : safeJson(spec.body);
      const route = { chats: ['GET', '/chats'], chat: ['GET', `/chats/${ref}`], join: ['POST', `/chats/${ref}/join`], messages: ['POST', `/chats/${ref}/messages`], close: ['POST', `/chats/${ref}/close`], faults: ['PUT', '/faults'] }[spec.op];
      const { 'content-type': _type, ...getHeaders } = headers;
      return { method: route[0], path: `/providers/loopback${route[1]}`, headers: route[0] === 'GET' ? getHeaders : headers, body: route[0] === 'GET' ? undefined : body };
    }
    case 'console-sign-in': {
      const email = spec.email === '$admin' ? ctx.admin.email : spec.email === '$admin-nul' ? `${ctx.admin.email}\u0000` : spec.email;
      const password = spec.password === '$password' ? ctx.admin.password : spec.password;
      return { method: 'POST', path: '/console/api/sign-in', headers: json, body: spec.raw ?? JSON.stringify({ email, password }) };
    }
    case 'console-static':
      return { method: 'GET', path: spec.file === undefined ? '/console/' : `/console/${encodeSegment(spec.file)}`, headers: {} };
    case 'history':
      return { method: 'GET', path: `/history/${historyToken(spec.token, ctx)}`, headers: {} };
    case 'ops': {
      const authorization = opsAuth(spec.auth, ctx);
      const headers = { ...(authorization ? { authorization } : {}), ...(spec.body !== undefined && spec.method !== 'GET' ? json : {}) };
      return { method: spec.method, path: spec.path, headers, body: spec.method === 'GET' ? undefined : spec.body };
    }
    case 'console-api': {
      const [, method, template] = CONSOLE_ROUTES[spec.which];
      const query = new URLSearchParams(Object.entries(spec.query).filter(([, v]) => v !== undefined)).toString();
      const path = template.replace(':id', encodeSegment(spec.id)).replace(':bot', encodeSegment(spec.id)).replace('?:query', query ? `?${query}` : '');
      const token = { admin: ctx.tokens.admin, agent: ctx.tokens.agent, garbage: 'not.a.token', expired: ctx.tokens.expired }[spec.auth];
      const headers = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(method === 'GET' ? {} : json) };
      const body = method === 'GET' ? undefined : typeof spec.body === 'string' ? spec.body : safeJson(spec.body);
      return { method, path, headers, body };
    }
    case 'health':
      return { method: 'GET', path: spec.path, headers: {} };
    case 'metrics': {
      const authorization = { bearer: `Bearer ${ctx.secrets.metrics}`, 'bearer-wrong': 'Bearer nope', ops: opsAuth('ops', ctx) }[spec.auth];
      return { method: 'GET', path: '/metrics', headers: authorization ? { authorization } : {} };
    }
    case 'other':
      return { method: spec.method, path: spec.path, headers: spec.body !== undefined ? json : {}, body: ['GET', 'HEAD', 'OPTIONS'].includes(spec.method) ? undefined : spec.body };
    default:
      throw new Error(`no HTTP form for ${spec.route}`);
  }
}

module.exports = { toHttp };
