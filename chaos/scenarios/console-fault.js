'use strict';
// Two bridges and a worker with the built-in console: agents are connected to both, and the bridge
// holding half of their sockets is killed (kill -9, not restarted) while they work. Their chats must
// be re-queued after CONSOLE_DISCONNECT_GRACE_SECONDS and go to present agents; nothing new may be
// assigned to an absent agent.
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { nowMs, sleep } = require('../../bench/lib/clock');
const { waitFor } = require('../../bench/lib/wait');

const TOKEN_SECRET = randomBytes(24).toString('base64url');
const LATE_USERS = 3;

/** Agents straight into the table (one scrypt hash for all); tokens as the console's sign-in mints them. */
async function createAgents(stack, count) {
  const root = stack.ctx.root;
  const { hashPassword } = require(path.join(root, 'dist/libs/console/src/auth/password.js'));
  const { signJwt } = require(path.join(root, 'dist/libs/botkit/src/auth/jwt.js'));
  const rows = await stack.query(
    `INSERT INTO agents (email, name, role, password_hash, max_chats)
     SELECT 'chaos-agent-' || i || '@chaos.local', 'Chaos Agent ' || i, 'agent', $1, 20 FROM generate_series(0, $2::int - 1) AS i
     RETURNING id, email`,
    [await hashPassword(randomBytes(12).toString('hex')), count],
  );
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return rows
    .sort((a, b) => a.email.localeCompare(b.email, 'en', { numeric: true }))
    .map((r, i) => ({ id: r.id, token: signJwt({ sub: r.id, role: 'agent', exp }, TOKEN_SECRET, 'HS256'), url: stack.bridges[i % stack.bridges.length].url }));
}

const assigned = (stack) => stack.query(`SELECT visitor_key, agent_id FROM conversations WHERE state = 'assigned'`);

async function agentsAtEnd(stack) {
  const owners = await stack.desk.rpc.call('owners');
  const rows = await assigned(stack);
  return stack.consoleAgents.map((a) => ({ present: Boolean(owners[a.id]?.connected), assignedChats: rows.filter((r) => r.agent_id === a.id).length }));
}

const consoleKill = {
  name: 'console-kill',
  title: 'two bridges and a worker, console agents on both; kill -9 of one bridge while they work (not restarted)',
  setup: {
    provider: 'console',
    bridges: 2,
    worker: true,
    env: (o) => ({ CONSOLE_AUTO_ASSIGN: 'true', CONSOLE_DISCONNECT_GRACE_SECONDS: String(o.graceSeconds), CONSOLE_TOKEN_SECRET: TOKEN_SECRET }),
  },
  holdSeconds: (o) => o.graceSeconds + 20,
  cleared: 'the kill plus CONSOLE_DISCONNECT_GRACE_SECONDS, when the absent agents\' chats are due to be re-queued',

  async open(stack, users) {
    const agents = await createAgents(stack, stack.ctx.opts.consoleAgents);
    stack.consoleAgents = agents;
    stack.desk = await stack.fork(`${stack.name}-console-agents`, 'console-agents.js');
    const conn = await stack.desk.rpc.call('connect', { list: agents });
    if (conn.connected !== agents.length) throw new Error(`only ${conn.connected} of ${agents.length} agents connected: ${conn.failures.join('; ')}`);
    const res = await stack.platform.rpc.call('transfer', { users });
    if (res.failed.length) throw new Error(`on_agent_transfer failed: ${res.failed.slice(0, 3).join('; ')}`);
    await waitFor('every chat assigned', async () => (await assigned(stack)).length >= users.length, 120_000, 500);
    return { users };
  },

  async inject(stack, { opts, log }) {
    const absent = stack.consoleAgents.filter((a) => a.url === stack.bridges[0].url).map((a) => a.id);
    const held = (await assigned(stack)).filter((r) => absent.includes(r.agent_id)).map((r) => r.visitor_key);
    const watch = { absent, held, samples: [], stopped: false };
    stack.consoleWatch = watch;
    const at = nowMs();
    await stack.kill(stack.bridges[0].handle);
    log(`bridge 0 killed (SIGKILL) with ${absent.length} agents' sockets and ${held.length} of their chats; not restarted`);
    // As a load balancer would: new events go to the live bridge first (the soak still tries both).
    await stack.platform.rpc.call('setBridgeUrls', [stack.bridges[1].url, stack.bridges[0].url]);
    (async () => {
      while (!watch.stopped) {
        const rows = await assigned(stack).catch(() => null);
        if (rows) watch.samples.push({ at: nowMs(), toAbsent: rows.filter((r) => absent.includes(r.agent_id)).length });
        await sleep(500);
      }
    })();
    const clearedAt = at + opts.graceSeconds * 1000;
    await sleep(clearedAt + 3000 - nowMs());
    const late = Array.from({ length: LATE_USERS }, (_, i) => `chaos-console-late-${i}`);
    const lateAt = nowMs();
    const res = await stack.platform.rpc.call('transfer', { users: late });
    watch.late = { users: late, failed: res.failed, atMs: Math.round(lateAt - at) };
    return { at, clearedAt, events: [{ what: `${LATE_USERS} new hand-offs`, at: lateAt }] };
  },

  async check(stack, fault) {
    const watch = stack.consoleWatch;
    watch.stopped = true;
    const rows = await stack.query(`SELECT visitor_key, state, agent_id FROM conversations WHERE visitor_key = ANY($1) AND state <> 'closed'`, [watch.late.users]);
    const lastToAbsent = [...watch.samples].reverse().find((s) => s.toAbsent > 0);
    const firstClear = watch.samples.find((s) => s.at > fault.at && s.toAbsent === 0 && (!lastToAbsent || s.at > lastToAbsent.at));
    return {
      agents: stack.consoleAgents.length,
      agentsOnKilledBridge: watch.absent.length,
      chatsTheyHeld: watch.held.length,
      chatsAssignedToAbsentAgentsAtEnd: watch.samples.length ? watch.samples[watch.samples.length - 1].toAbsent : null,
      noneAssignedToAbsentFromMs: firstClear ? Math.round(firstClear.at - fault.at) : null,
      lateHandoffs: watch.late.users.map((u) => {
        const r = rows.find((x) => x.visitor_key === u);
        return { state: r?.state ?? 'none', toAbsentAgent: Boolean(r && watch.absent.includes(r.agent_id)) };
      }),
      lateHandoffFailures: watch.late.failed,
      userMessagesReadFromTranscript: await stack.desk.rpc.call('syncRecovered'),
      // From the database: each agent's assigned chats at the end, and whether its socket is still connected.
      agentsAtEnd: await agentsAtEnd(stack),
    };
  },
};

module.exports = { consoleKill };
