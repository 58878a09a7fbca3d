'use strict';
// The Kore platform sandbox (apps/platform-sim) in its own process, with two additions for the
// benchmark: it records when each benchmark text reaches a user (sendUserMessage), and it issues
// ahead of time the requestIds the load generator will use, so that callbacks on them are honoured.
const path = require('node:path');
const { serve } = require('../lib/rpc');
const { ArrivalRecorder } = require('../lib/recorder');
const { sleep } = require('../lib/clock');

const root = process.env.BENCH_ROOT;
const { PlatformSim } = require(path.join(root, 'dist/apps/platform-sim/src'));

const bot = { botId: process.env.BENCH_BOT_ID, botName: 'Bench Bot', clientId: process.env.BENCH_CLIENT_ID, clientSecret: process.env.BENCH_CLIENT_SECRET };
let warnings = 0;
const sim = new PlatformSim({
  bridgeUrl: process.env.BENCH_BRIDGE_URL || 'http://127.0.0.1:1',
  bots: [bot],
  port: 0,
  // A stage that reads recorded calls sizes the ring to what it reads: every record is kept whole
  // (headers, body), and a ring of 400,000 is a heap of several hundred MB whose GCs stall the sim.
  maxRecordedCalls: Number(process.env.BENCH_SIM_MAX_CALLS) || 400_000,
  log: () => warnings++,
});
const arrivals = new ArrivalRecorder();

async function main() {
  await sim.start();
  // ConversationStore.onChange is the store's own listener API (the RTM gateway uses it); the store is
  // a private field of the facade, reached here only to timestamp deliveries.
  sim.conversations.onChange((event) => {
    if (event.kind === 'outgoing') arrivals.see(event.message.text);
  });
  serve({
    setBridgeUrl: (url) => sim.setBridgeUrl(url),
    /** The on_user_message body of an agent-mode user, with __RID__/__USER__/__MSG__ placeholders. */
    template: () => JSON.stringify(sim.buildEvent({ botId: bot.botId, event: 'on_user_message', userId: '__USER__', message: '__MSG__', requestId: '__RID__', body: { agent_transfer: true } }).body),
    /** Issues the requestIds `${ridPrefix}-${seq}` for users[seq % users.length], seq in [seqStart, seqStart+count). */
    issue: ({ ridPrefix, seqStart, count, users }) => {
      for (let seq = seqStart; seq < seqStart + count; seq++) {
        sim.buildEvent({ botId: bot.botId, event: 'on_user_message', userId: users[seq % users.length], message: 'x', requestId: `${ridPrefix}-${seq}` });
      }
      return count;
    },
    /** on_agent_transfer for each user, `concurrency` at a time; returns the users that did not get a 200. */
    transfer: async ({ users, concurrency = 20, ratePerSecond = 0 }) => {
      const failed = [];
      let next = 0;
      const started = Date.now();
      const worker = async () => {
        while (next < users.length) {
          const i = next++;
          if (ratePerSecond > 0) {
            const due = started + (i * 1000) / ratePerSecond;
            if (due > Date.now()) await sleep(due - Date.now());
          }
          const userId = users[i];
          try {
            const res = await sim.sendEvent({
              botId: bot.botId,
              event: 'on_agent_transfer',
              userId,
              body: { context: { session: { UserContext: { _id: userId, firstName: 'Bench', lastName: userId } } } },
            });
            if (res.status !== 200) failed.push(`${userId}: ${res.status}`);
          } catch (error) {
            failed.push(`${userId}: ${error.message}`);
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      return { failed, seconds: (Date.now() - started) / 1000 };
    },
    arrivals: (phase) => arrivals.count(phase),
    take: (phase) => arrivals.take(phase),
    /** The callbacks the bridge made since `sinceMs` (epoch ms), optionally of one SDK function. */
    calls: ({ fn, sinceMs = 0 }) => sim.calls(fn ? { fn } : {}).filter((c) => c.at >= sinceMs).map((c) => ({ fn: c.fn, userId: c.userId, status: c.status, at: c.at, requestId: c.requestId })),
    callCounts: ({ sinceMs = 0 }) => {
      const counts = {};
      for (const c of sim.calls()) if (c.at >= sinceMs) counts[`${c.fn} ${c.status}`] = (counts[`${c.fn} ${c.status}`] || 0) + 1;
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
