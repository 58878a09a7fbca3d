'use strict';
// Console agents as real socket.io clients (websocket transport, no reconnection: an agent whose
// bridge dies stays away). Each keeps the chats the bridge assigns to it, reads user messages (live,
// or from the transcript when a chat reaches it), and answers with the soak's agent messages: each
// conversation in order, through whichever present agent owns it, resent with the same client id until
// acknowledged (the console's own resend rule).
const { io } = require('socket.io-client');
const { serve } = require('../../bench/lib/rpc');
const { nowMs, sleep } = require('../../bench/lib/clock');
const { ArrivalLog, soakText } = require('../lib/arrival-log');
const { soakMethods } = require('../lib/soak-methods');

const arrivals = new ArrivalLog('u');
const agents = []; // { id, url, socket, owns: Map<visitorKey, conversationId> }
let syncRecovered = 0;
const readInTranscript = new Set(); // texts first read by a sync: their live event, if any, is not a duplicate
let soak = null;

function connectOne(agent) {
  return new Promise((resolve, reject) => {
    const socket = io(`${agent.url}/console`, { auth: { token: agent.token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 20_000 });
    const a = { id: agent.id, url: agent.url, socket, owns: new Map() };
    socket.on('message', (m) => {
      if (!m || m.kind !== 'user') return;
      if (readInTranscript.delete(m.text)) return;
      arrivals.see(m.text);
    });
    socket.on('conversation', (c) => {
      if (!c) return;
      if (c.state === 'assigned' && c.agentId === a.id) {
        if (!a.owns.has(c.visitorKey)) catchUp(a, c.id);
        a.owns.set(c.visitorKey, c.id);
      } else a.owns.delete(c.visitorKey);
    });
    socket.on('conversation:closed', (c) => {
      for (const [k, v] of a.owns) if (v === c?.conversationId) a.owns.delete(k);
    });
    socket.once('connect', () => resolve(a));
    socket.once('connect_error', (error) => reject(new Error(`agent ${agent.id}: ${error.message}`)));
  });
}

/** A chat that reaches an agent brings its transcript: user messages not seen live are read there. */
async function catchUp(a, conversationId) {
  let after;
  for (let page = 0; page < 50; page++) {
    const ack = await a.socket.timeout(10_000).emitWithAck('conversation:sync', { conversationId, after }).catch(() => null);
    if (!ack?.ok) return;
    for (const m of ack.messages) {
      if (m.kind === 'user' && !arrivals.has(m.text) && arrivals.see(m.text, nowMs(), 'transcript')) {
        syncRecovered++;
        readInTranscript.add(m.text);
      }
      after = m.cursor;
    }
    if (!ack.more) return;
  }
}

function ownerOf(visitorKey) {
  return agents.find((a) => a.socket.connected && a.owns.has(visitorKey));
}

/** Agent message k goes to users[k % users], as its seq floor(k / users), at t0 + k / rate. */
function startSoak({ users, count, rate }) {
  const t0 = nowMs() + 50;
  const records = Array.from({ length: count }, (_, k) => ({ conv: k % users.length, seq: Math.floor(k / users.length), due: t0 + (k * 1000) / rate, ack: NaN, attempts: 0, statuses: {} }));
  soak = { records, done: 0, stopped: false };
  const send = async (r) => {
    while (!soak.stopped) {
      const owner = ownerOf(users[r.conv]);
      if (owner) {
        r.attempts++;
        const conversationId = owner.owns.get(users[r.conv]);
        const ack = await owner.socket
          .timeout(10_000)
          .emitWithAck('message:send', { conversationId, clientId: `chaos-${r.conv}-${r.seq}`, text: soakText('a', r.conv, r.seq) })
          .catch((error) => ({ ok: false, error: error.message }));
        r.statuses[ack?.ok ? 'ok' : String(ack?.error)] = (r.statuses[ack?.ok ? 'ok' : String(ack?.error)] || 0) + 1;
        if (ack?.ok) {
          r.ack = nowMs();
          return;
        }
      } else r.statuses['no present owner'] = (r.statuses['no present owner'] || 0) + 1;
      await sleep(250);
    }
  };
  users.forEach(async (_, conv) => {
    for (const r of records.filter((x) => x.conv === conv)) {
      const wait = r.due - nowMs();
      if (wait > 0) await sleep(wait);
      await send(r);
      soak.done++;
    }
  });
  return { t0 };
}

serve({
  connect: async ({ list }) => {
    const failures = [];
    for (const agent of list) {
      try {
        agents.push(await connectOne(agent));
      } catch (error) {
        failures.push(error.message);
      }
    }
    return { connected: agents.length, failures };
  },
  owners: () => Object.fromEntries(agents.map((a) => [a.id, { connected: a.socket.connected, owns: [...a.owns.keys()] }])),
  ...soakMethods(startSoak, () => soak, arrivals),
  syncRecovered: () => syncRecovered,
  close: () => agents.forEach((a) => a.socket.close()),
});
process.send({ ready: true });
