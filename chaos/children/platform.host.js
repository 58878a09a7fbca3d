'use strict';
// The Kore platform sandbox (apps/platform-sim, from dist) in its own process, driven over IPC:
// it hands users over to agents, sends the soak's user messages (each conversation in order, the next
// only once the previous one was acknowledged, a refused or failed send retried with the same
// requestId, as a redelivery), and timestamps every soak text that reaches a user (agent -> user).
const http = require('node:http');
const path = require('node:path');
const { serve } = require('../../bench/lib/rpc');
const { nowMs, sleep } = require('../../bench/lib/clock');
const { ArrivalLog, soakText } = require('../lib/arrival-log');
const { soakMethods } = require('../lib/soak-methods');

const root = process.env.CHAOS_ROOT;
const { PlatformSim } = require(path.join(root, 'dist/apps/platform-sim/src'));

const bot = { botId: process.env.CHAOS_BOT_ID, botName: 'Chaos Bot', clientId: process.env.CHAOS_CLIENT_ID, clientSecret: process.env.CHAOS_CLIENT_SECRET };
let warnings = 0;
const sim = new PlatformSim({
  bridgeUrl: 'http://127.0.0.1:1',
  bots: [bot],
  port: Number(process.env.CHAOS_PLATFORM_PORT),
  // The bridge calls back through the outage proxy (chaos/lib/outage-proxy.js).
  publicUrl: process.env.CHAOS_PLATFORM_PUBLIC_URL,
  maxRecordedCalls: 400_000,
  log: () => warnings++,
});
const arrivals = new ArrivalLog('a');
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let bridgeUrls = [];
let soak = null;

function post(url, body, headers) {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) }, timeout: 15_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** Message k of the soak goes to conversation k % users, as its seq floor(k / users), at t0 + k / rate. */
function startSoak({ users, count, rate }) {
  const t0 = nowMs() + 50;
  const records = Array.from({ length: count }, (_, k) => ({ conv: k % users.length, seq: Math.floor(k / users.length), due: t0 + (k * 1000) / rate, ack: NaN, attempts: 0, statuses: {} }));
  soak = { records, done: 0, stopped: false };
  const send = async (r) => {
    const userId = users[r.conv];
    const { body } = sim.buildEvent({ botId: bot.botId, event: 'on_user_message', userId, message: soakText('u', r.conv, r.seq), body: { agent_transfer: true } });
    const text = JSON.stringify(body);
    // Spread over the bridges; after a failure the next try goes to the next one (a load balancer's retry).
    let target = r.seq + r.conv;
    while (!soak.stopped) {
      const url = `${bridgeUrls[target++ % bridgeUrls.length]}/sdk/bots/${encodeURIComponent(bot.botId)}/on_user_message`;
      r.attempts++;
      r.sentAt ??= nowMs();
      const status = await post(url, text, { 'content-type': 'application/json', ...sim.eventHeaders(bot.botId) });
      r.statuses[status] = (r.statuses[status] || 0) + 1;
      if (status >= 200 && status < 300) {
        r.ack = nowMs();
        return;
      }
      await sleep(Math.min(1000, 100 * r.attempts));
    }
  };
  const perConv = users.map((_, conv) => records.filter((r) => r.conv === conv));
  perConv.forEach(async (list) => {
    for (const r of list) {
      const wait = r.due - nowMs();
      if (wait > 0) await sleep(wait);
      await send(r);
      soak.done++;
    }
  });
  return { t0 };
}

async function main() {
  await sim.start();
  // ConversationStore.onChange is the store's own listener API (the RTM gateway uses it); the store is
  // a private field of the facade, reached here only to timestamp deliveries.
  sim.conversations.onChange((event) => {
    if (event.kind === 'outgoing') arrivals.see(event.message.text);
  });
  serve({
    setBridgeUrls: (urls) => {
      bridgeUrls = urls;
      sim.setBridgeUrl(urls[0]);
    },
    /** on_agent_transfer for each user, in turn; returns the users that did not get a 200. */
    transfer: async ({ users }) => {
      const failed = [];
      for (const userId of users) {
        const res = await sim
          .sendEvent({ botId: bot.botId, event: 'on_agent_transfer', userId, body: { context: { session: { UserContext: { _id: userId, firstName: 'Chaos', lastName: userId } } } } })
          .catch((error) => ({ status: error.message }));
        if (res.status !== 200) failed.push(`${userId}: ${res.status}`);
      }
      return { failed };
    },
    ...soakMethods(startSoak, () => soak, arrivals),
    inAgentSession: (users) => users.filter((u) => sim.inAgentSession(bot.botId, u)).length,
    callCounts: () => {
      const counts = {};
      for (const c of sim.calls()) counts[`${c.fn} ${c.status}`] = (counts[`${c.fn} ${c.status}`] || 0) + 1;
      return counts;
    },
    warnings: () => warnings,
  });
  process.send({ ready: true, info: { url: sim.url } });
}

main().catch((error) => {
  console.error(error.stack);
  process.exit(1);
});
