'use strict';
// The LiveChat sandbox (apps/livechat-sim) in its own process. For the benchmark it also records when
// each benchmark text a customer sends arrives (user -> provider), paces agent messages at a fixed
// rate (provider -> user), and can open customer chats for the baseline pipeline.
const path = require('node:path');
const { serve } = require('../lib/rpc');
const { ArrivalRecorder } = require('../lib/recorder');
const { nowMs } = require('../lib/clock');
const { request } = require('../lib/json-http');

const root = process.env.BENCH_ROOT;
const { LiveChatSim, SANDBOX_DEFAULTS } = require(path.join(root, 'dist/apps/livechat-sim/src'));

const AGENT = { id: 'alice@example.com', name: 'Alice Agent', online: true };
let logLines = 0;
const lc = new LiveChatSim({
  port: 0,
  agents: [AGENT, { id: 'bob@example.com', name: 'Bob Agent', online: true }],
  webhooks: { timeoutMs: 10_000, retryDelaysMs: [1000, 2000, 5000, 10_000], logLimit: 2000 },
  // Sessions in the benchmark stay quiet for minutes: the router must not archive them.
  inactivitySeconds: 0,
  idleSeconds: 0,
  log: () => logLines++,
});
const arrivals = new ArrivalRecorder();

function instrument() {
  // ChatStore.append is where every event lands; the container is private to the facade and is
  // reached here only to timestamp customer messages.
  const store = lc.c.store;
  const append = store.append.bind(store);
  store.append = (chat, thread, fields) => {
    const event = append(chat, thread, fields);
    if (fields.type === 'message' && fields.author_id === chat.customerId) arrivals.see(fields.text);
    return event;
  };
}

async function customerChats(users) {
  const c = lc.config;
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: c.refreshToken, client_id: c.clientId, client_secret: c.clientSecret });
  const agentRes = await request(`${lc.url}/v2/token`, { body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  if (agentRes.status !== 200) throw new Error(`agent token: ${agentRes.status} ${agentRes.text}`);
  const agentToken = agentRes.json.access_token;
  const result = {};
  for (const user of users) {
    const tok = await request(`${lc.url}/v2/customer/token`, {
      body: { grant_type: 'agent_token', client_id: c.clientId, response_type: 'token' },
      headers: { authorization: `Bearer ${agentToken}` },
    });
    if (tok.status !== 200) throw new Error(`customer token: ${tok.status} ${tok.text}`);
    const token = tok.json.access_token;
    const region = /^([a-z]+(?:-[a-z])?):/.exec(token)?.[1];
    const started = await request(`${lc.url}/v3.6/customer/action/start_chat?organization_id=${encodeURIComponent(c.organizationId)}`, {
      body: { chat: { thread: { events: [{ type: 'message', text: `${user} was handed over`, recipients: 'all' }] } }, continuous: false },
      headers: { authorization: `Bearer ${token}`, ...(region ? { 'x-region': region } : {}) },
    });
    if (started.status !== 200) throw new Error(`start_chat: ${started.status} ${started.text}`);
    lc.agentJoin(started.json.chat_id, AGENT.id);
    result[user] = { token, region, chatId: started.json.chat_id, entityId: tok.json.entity_id };
  }
  return result;
}

/** Agent messages `bench <phase>:<seq>` at evenly spaced times, round-robin over `chatIds`. */
async function agentSay({ phase, chatIds, rate, durationMs, seqStart = 0, padTo = 0 }) {
  const count = Math.max(1, Math.round((rate * durationMs) / 1000));
  const interval = 1000 / rate;
  const pad = ' '.repeat(Math.max(0, padTo - 24));
  const t0 = nowMs() + 20;
  let i = 0;
  let failed = 0;
  const lag = new Float64Array(count);
  await new Promise((resolve) => {
    const tick = () => {
      const now = nowMs();
      while (i < count && t0 + i * interval <= now) {
        const seq = seqStart + i;
        lag[i] = now - (t0 + i * interval);
        try {
          lc.agentSays(chatIds[seq % chatIds.length], `bench ${phase}:${seq}${pad}`, AGENT.id);
        } catch {
          failed++;
        }
        i++;
      }
      if (i >= count) return resolve();
      setTimeout(tick, Math.max(0, t0 + i * interval - nowMs() - 0.3));
    };
    setTimeout(tick, Math.max(0, t0 - nowMs()));
  });
  return { t0, interval, count, seqStart, failed, lag };
}

async function main() {
  await lc.start();
  instrument();
  serve({
    customerChats,
    /** The agent joins each chat (user_added_to_chat + routing.assigned webhooks). */
    join: ({ chatIds }) => {
      let joined = 0;
      const errors = [];
      for (const id of chatIds) {
        try {
          lc.agentJoin(id, AGENT.id);
          joined++;
        } catch (error) {
          errors.push(`${id}: ${error.message}`);
        }
      }
      return { joined, errors: errors.slice(0, 5) };
    },
    /** The agent closes each chat (chat_deactivated webhook): the bridge ends its session as the desk's close. */
    close: ({ chatIds }) => {
      let closed = 0;
      const errors = [];
      for (const id of chatIds) {
        try {
          lc.agentCloses(id, AGENT.id);
          closed++;
        } catch (error) {
          errors.push(`${id}: ${error.message}`);
        }
      }
      return { closed, errors: errors.slice(0, 5) };
    },
    agentSay,
    arrivals: (phase) => arrivals.count(phase),
    take: (phase) => arrivals.take(phase),
    deliveryStats: () => {
      const counts = {};
      for (const d of lc.webhookDeliveries()) counts[`${d.action} ${d.state}`] = (counts[`${d.action} ${d.state}`] || 0) + 1;
      return counts;
    },
    state: () => lc.state(),
  });
  process.send({ ready: true, info: { url: lc.url, defaults: SANDBOX_DEFAULTS, agentId: AGENT.id } });
}

main().catch((error) => {
  console.error(error.stack);
  process.exit(1);
});
