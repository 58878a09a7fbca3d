'use strict';
// The Chatwoot sandbox (apps/chatwoot-sim) in its own process. For the benchmark it also records when
// each benchmark text a contact sends arrives (user -> provider), paces agent replies at a fixed rate
// (provider -> user: each fires the message_created webhook), and can open conversations for the
// baseline pipeline.
const path = require('node:path');
const { serve } = require('../lib/rpc');
const { ArrivalRecorder } = require('../lib/recorder');
const { nowMs } = require('../lib/clock');
const { request } = require('../lib/json-http');

const root = process.env.BENCH_ROOT;
const { ChatwootSim, SANDBOX_DEFAULTS } = require(path.join(root, 'dist/apps/chatwoot-sim/src'));

// Anna Agent in the sandbox's seed: the agent every benchmark conversation is assigned to.
const AGENT_ID = 2;
let logLines = 0;
const cw = new ChatwootSim({
  port: 0,
  webhookSecret: process.env.BENCH_CHATWOOT_SIGNING_SECRET,
  // Chatwoot sends once; the retries match the LiveChat host's, so a slow answer costs latency, not a
  // lost message, for both systems alike.
  webhookTimeoutMs: 10_000,
  webhookRetryDelaysMs: [1000, 2000, 5000, 10_000],
  deliveryLogLimit: 2000,
  log: () => logLines++,
});
const arrivals = new ArrivalRecorder();

function instrument() {
  // MessagesService.record is where every message, from the API or the control side, is stored; the
  // container is private to the facade and is reached here only to timestamp the contact's messages.
  const messages = cw.c.messages;
  const record = messages.record.bind(messages);
  messages.record = (conversation, input, actor) => {
    const message = record(conversation, input, actor);
    if (input.messageType === 'incoming' && !input.private) arrivals.see(input.content);
    return message;
  };
}

/** For the baseline: a contact and an open conversation per user, assigned to the agent. */
async function openConversations(users) {
  const base = `${cw.url}/api/v1/accounts/${SANDBOX_DEFAULTS.accountId}`;
  const headers = { api_access_token: SANDBOX_DEFAULTS.apiToken };
  const result = {};
  for (const user of users) {
    const contact = await request(`${base}/contacts`, { headers, body: { inbox_id: SANDBOX_DEFAULTS.inboxId, name: user, identifier: `bench:${user}` } });
    if (contact.status < 200 || contact.status >= 300) throw new Error(`contact: ${contact.status} ${contact.text}`);
    const conversation = await request(`${base}/conversations`, {
      headers,
      body: { inbox_id: SANDBOX_DEFAULTS.inboxId, contact_id: contact.json.payload.contact.id, message: { content: `${user} was handed over`, message_type: 'incoming' } },
    });
    if (conversation.status < 200 || conversation.status >= 300) throw new Error(`conversation: ${conversation.status} ${conversation.text}`);
    cw.assign(conversation.json.id, AGENT_ID);
    result[user] = { chatId: String(conversation.json.id) };
  }
  return result;
}

/** Agent replies `bench <phase>:<seq>` at evenly spaced times, round-robin over `chatIds`. */
async function agentSay({ phase, chatIds, rate, durationMs, seqStart = 0, padTo = 0 }) {
  const count = Math.max(1, Math.round((rate * durationMs) / 1000));
  const interval = 1000 / rate;
  const pad = ' '.repeat(Math.max(0, padTo - 24));
  const refs = chatIds.map(Number);
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
          cw.agentReply(refs[seq % refs.length], `bench ${phase}:${seq}${pad}`, AGENT_ID);
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
  await cw.start();
  instrument();
  serve({
    openConversations,
    /** The agent takes each conversation (conversation_updated with the assignee: the agent joined). */
    join: ({ chatIds }) => {
      let joined = 0;
      const errors = [];
      for (const id of chatIds) {
        try {
          cw.assign(Number(id), AGENT_ID);
          joined++;
        } catch (error) {
          errors.push(`${id}: ${error.message}`);
        }
      }
      return { joined, errors: errors.slice(0, 5) };
    },
    agentSay,
    arrivals: (phase) => arrivals.count(phase),
    take: (phase) => arrivals.take(phase),
    deliveryStats: () => {
      const counts = {};
      for (const d of cw.deliveries()) counts[`${d.event} ${d.state}`] = (counts[`${d.event} ${d.state}`] || 0) + 1;
      return counts;
    },
    state: () => cw.state(),
  });
  process.send({ ready: true, info: { url: cw.url, defaults: SANDBOX_DEFAULTS, agentId: AGENT_ID } });
}

main().catch((error) => {
  console.error(error.stack);
  process.exit(1);
});
