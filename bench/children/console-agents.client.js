'use strict';
// Many agents of the console, each a real socket.io client (websocket transport) in this one process.
// Against the bridge an agent accepts its own user's chat from the queue; against the baseline it just
// listens. Every `message` event carrying a benchmark text is timestamped on arrival.
const { io } = require('socket.io-client');
const { serve } = require('../lib/rpc');
const { ArrivalRecorder } = require('../lib/recorder');

const arrivals = new ArrivalRecorder();
let sockets = [];
let accepted = 0;
const acceptErrors = [];

function connectOne(url, agent, mode) {
  return new Promise((resolve, reject) => {
    const auth = mode === 'bridge' ? { token: agent.token } : { agentId: agent.id };
    const socket = io(`${url}/console`, { auth, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 20_000 });
    let pending = false;
    let done = false;
    socket.on('message', (m) => {
      if (m && m.kind === 'user') arrivals.see(m.text);
    });
    if (mode === 'bridge') {
      socket.on('queue', (data) => {
        if (done || pending) return;
        const item = data?.items?.find((it) => it.visitorKey === agent.user);
        if (!item) return;
        pending = true;
        socket
          .timeout(20_000)
          .emitWithAck('queue:accept', { conversationId: item.conversationId })
          .then((ack) => {
            pending = false;
            if (ack?.ok) {
              done = true;
              accepted++;
            } else if (acceptErrors.length < 10) acceptErrors.push(`${agent.user}: ${JSON.stringify(ack)}`);
          })
          .catch((error) => {
            pending = false;
            if (acceptErrors.length < 10) acceptErrors.push(`${agent.user}: ${error.message}`);
          });
      });
    }
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(new Error(`agent ${agent.id}: ${error.message}`)));
  });
}

serve({
  /** agents: [{ id, token?, user }]; connects `concurrency` at a time. */
  connect: async ({ url, agents, mode, concurrency = 25 }) => {
    let next = 0;
    const failures = [];
    const worker = async () => {
      while (next < agents.length) {
        const agent = agents[next++];
        try {
          sockets.push(await connectOne(url, agent, mode));
        } catch (error) {
          failures.push(error.message);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { connected: sockets.length, failures: failures.slice(0, 5), failed: failures.length };
  },
  accepted: () => ({ accepted, errors: acceptErrors }),
  arrivals: (phase) => arrivals.count(phase),
  take: (phase) => arrivals.take(phase),
  connected: () => sockets.filter((s) => s.connected).length,
  close: () => {
    for (const s of sockets) s.close();
    const n = sockets.length;
    sockets = [];
    accepted = 0;
    return n;
  },
});
process.send({ ready: true });
