'use strict';
// The LiveChat sandbox (apps/livechat-sim, from dist) in its own process, driven over IPC: the agent
// joins the bridge's chats and sends the soak's agent messages; every soak text a customer (the
// bridge, for the user) sends is timestamped on arrival (user -> agent); `down` closes its port.
const path = require('node:path');
const { serve } = require('../../bench/lib/rpc');
const { nowMs, sleep } = require('../../bench/lib/clock');
const { ArrivalLog, soakText } = require('../lib/arrival-log');
const { soakMethods } = require('../lib/soak-methods');

const root = process.env.CHAOS_ROOT;
const { LiveChatSim, SANDBOX_DEFAULTS } = require(path.join(root, 'dist/apps/livechat-sim/src'));

const AGENT = { id: 'alice@example.com', name: 'Alice Agent', online: true };
let logLines = 0;
const lc = new LiveChatSim({
  port: 0,
  agents: [AGENT],
  // Sessions stay quiet while a fault lasts: the router must not archive them.
  inactivitySeconds: 0,
  idleSeconds: 0,
  log: () => logLines++,
});
const arrivals = new ArrivalLog('u');
let soak = null;

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

/** Agent message k goes to conversation k % chats, as its seq floor(k / chats), at t0 + k / rate. */
function startSoak({ chatIds, count, rate }) {
  const t0 = nowMs() + 50;
  const records = Array.from({ length: count }, (_, k) => ({ conv: k % chatIds.length, seq: Math.floor(k / chatIds.length), due: t0 + (k * 1000) / rate, ack: NaN, attempts: 0, statuses: {} }));
  soak = { records, done: 0, stopped: false };
  (async () => {
    for (const r of records) {
      const wait = r.due - nowMs();
      if (wait > 0) await sleep(wait);
      if (soak.stopped) return;
      r.attempts++;
      try {
        lc.agentSays(chatIds[r.conv], soakText('a', r.conv, r.seq), AGENT.id);
        r.ack = nowMs();
        r.statuses.ok = 1;
      } catch (error) {
        r.statuses[error.type || 'error'] = 1;
      }
      soak.done++;
    }
  })();
  return { t0 };
}

async function main() {
  await lc.start();
  instrument();
  serve({
    join: ({ chatIds }) => {
      const errors = [];
      for (const id of chatIds) {
        try {
          lc.agentJoin(id, AGENT.id);
        } catch (error) {
          errors.push(`${id}: ${error.message}`);
        }
      }
      return { errors: errors.slice(0, 5) };
    },
    ...soakMethods(startSoak, () => soak, arrivals),
    /** Closes the port for `ms` (connections refused); resolves once it listens again, with both times. */
    down: async (ms) => {
      const downAt = nowMs();
      await lc.setDown(ms, 'refuse');
      while (lc.state().faults.down) await sleep(50);
      return { downAt, upAt: nowMs() };
    },
    deliveryStats: () => {
      const counts = {};
      for (const d of lc.webhookDeliveries()) counts[`${d.action} ${d.state}`] = (counts[`${d.action} ${d.state}`] || 0) + 1;
      return counts;
    },
  });
  process.send({ ready: true, info: { url: lc.url, defaults: SANDBOX_DEFAULTS } });
}

main().catch((error) => {
  console.error(error.stack);
  process.exit(1);
});
