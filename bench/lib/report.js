'use strict';
// bench/results/report.json (everything) and report.md (the figures, then the details).
const fs = require('node:fs');
const path = require('node:path');
const { perMsgUs } = require('./figures');

const fmt = (v, digits = 1) => {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (typeof v !== 'number') return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 100) return v.toFixed(0);
  return v.toFixed(digits);
};
const row = (cells) => `| ${cells.join(' | ')} |`;
const table = (head, rows) => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

function figuresTable(figures) {
  return table(
    ['Figure', 'agent-bridge', 'Baseline (same run)', 'Ratio', 'Target', 'Result'],
    figures.map((f) => [
      f.title + (f.notes.length ? ` (${f.notes.join('; ')})` : ''),
      `${fmt(f.value)} ${f.unit}`,
      f.baseline === null || f.baseline === undefined ? '–' : `${fmt(f.baseline)} ${f.unit} (${f.baselineName})`,
      f.ratio === null ? '–' : `${f.ratio.toFixed(2)}×`,
      f.target ?? 'report only',
      f.pass === null ? '–' : f.pass ? '**pass**' : '**FAIL**',
    ]),
  );
}

/** "Other load", with the hypervisor's steal over the same window in parentheses. */
function otherLoad(cpu) {
  return cpu.stealPct === undefined ? fmt(cpu.otherPct) : `${fmt(cpu.otherPct)} (${fmt(cpu.stealPct)})`;
}

function cpuCells(cpu, labels) {
  return labels.map((l) => fmt(cpu?.processes?.[l]));
}

/** The slowest 1 %: in bursts (stalls that held every message in flight) or spread (see stats.tailShape). */
function tailCell(t) {
  if (!t || !t.slow) return '–';
  if (!t.bursts) return `spread, no burst (${t.slow} msgs)`;
  const l = t.list[0];
  const machine = t.withMachineStall === null ? '' : `; ${t.withMachineStall} of ${t.bursts} during a bystander stall`;
  return `${fmt(t.shareInBursts * 100, 0)} % in ${t.bursts} burst(s); largest ${l.messages} msgs at ${fmt(l.atS, 1)} s, up to ${fmt(l.maxMs, 0)} ms${machine}`;
}

/** How often the bystander process (children/stall-probe.js) was kept off the CPU in a window. */
function stallsCell(s) {
  return s ? `${s.count} (${fmt(s.maxMs, 0)} ms)` : '–';
}

function latencyRows(name, p) {
  const cells = (s) => (s ? [fmt(s.p50, 2), fmt(s.p90, 2), fmt(s.p99, 2), fmt(s.max, 2)] : ['–', '–', '–', '–']);
  const out = [];
  if (p.ack) out.push([name, 'webhook ack', `${p.sent}`, ...cells(p.ack), `${p.ackFailures}`, tailCell(p.ackTail)]);
  if (p.relay) out.push([name, 'relay to sink', `${p.sent}`, ...cells(p.relay), `${p.lost ?? 0}`, tailCell(p.relayTail)]);
  return out;
}

function phaseCpuTable(entries) {
  const labels = [...new Set(entries.flatMap(([, p]) => Object.keys(p.cpu.processes)))];
  return table(
    ['Run', ...labels.map((l) => `${l} %`), 'machine % (of 200)', 'other load % (steal)', 'bystander stalls > 5 ms (longest)', 'system CPU µs/msg'],
    entries.map(([name, p, sut]) => [name, ...cpuCells(p.cpu, labels), fmt(p.cpu.machinePct), otherLoad(p.cpu), stallsCell(p.machineStalls), fmt(perMsgUs(p, sut), 0)]),
  );
}

/** How each desk's sandbox is reached in the relay stage, for the report's words. */
const DESK_WORDS = {
  livechat: { name: 'LiveChat', inbound: '`send_event`', outbound: 'LiveChat agent message (`incoming_event` webhook)', setup: 'LiveChat chat opened, agent joined' },
  chatwoot: { name: 'Chatwoot', inbound: 'an incoming message, `POST .../messages`', outbound: 'Chatwoot agent reply (`message_created` webhook)', setup: 'Chatwoot conversation opened, assigned to the agent' },
};

function relaySection(relay, echo) {
  const provider = (relay.bridge ?? relay.baseline)?.provider ?? 'livechat';
  const w = DESK_WORDS[provider];
  const parts = [`## Relay through the ${w.name} sandbox`, ''];
  parts.push(
    `Provider: ${w.name} (\`HANDOFF_PROVIDER=${provider}\`, the ${w.name} sandbox). User messages are \`on_user_message\` events in agent mode built and signed by the load generator, ` +
      'sent open-loop at evenly spaced times over keep-alive connections; latency is measured from each message\'s scheduled send time to the webhook\'s response (ack), ' +
      `to its arrival in the ${w.name} sandbox (${w.inbound}, user -> provider), and from the ${w.outbound} to its arrival at the platform sandbox (\`sendUserMessage\`, provider -> user).`,
    '',
  );
  const rows = [];
  for (const [name, r] of [['agent-bridge', relay.bridge], ['baseline', relay.baseline]]) {
    if (!r) continue;
    rows.push(...latencyRows(`${name}, user -> provider`, r.forward));
    rows.push(...latencyRows(`${name}, provider -> user`, r.reverse));
  }
  if (echo) rows.push(...latencyRows('echo (reference)', echo.steady));
  parts.push(`### Latency at ${relay.bridge?.forward.rate ?? echo?.steady.rate}/s (ms)`, '', table(['System, direction', 'Measured', 'Messages', 'p50', 'p90', 'p99', 'max', 'Lost / not acked', 'Slowest 1 %: stalls or spread'], rows), '');
  const cpuEntries = [];
  if (relay.bridge) cpuEntries.push(['agent-bridge, user -> provider', relay.bridge.forward, 'bridge'], ['agent-bridge, provider -> user', relay.bridge.reverse, 'bridge']);
  if (relay.baseline) cpuEntries.push(['baseline, user -> provider', relay.baseline.forward, 'baseline'], ['baseline, provider -> user', relay.baseline.reverse, 'baseline']);
  if (echo) cpuEntries.push(['echo', echo.steady, 'echo']);
  parts.push('### CPU over the same windows (% of one core; the window includes the drain after the last send)', '', phaseCpuTable(cpuEntries), '');
  const dbRows = cpuEntries.filter(([, p]) => p.db).map(([name, p]) => [name, fmt(p.db.xacts), fmt(p.db.inserted), fmt(p.db.updated), fmt(p.db.fetched)]);
  if (dbRows.length) {
    parts.push('### Postgres work per message (its own database, pg_stat_database, counted over the phase and its drain)', '', table(['Run', 'transactions', 'rows inserted', 'rows updated', 'rows fetched'], dbRows), '');
  }
  for (const [name, r] of [['agent-bridge', relay.bridge], ['two bridges (alternating) and a worker', relay.tier], ['baseline pipeline', relay.baseline], ['echo (reference)', echo]]) {
    if (!r) continue;
    const sut = name.startsWith('agent') ? 'bridge' : name.startsWith('two') ? 'bridge-a' : name.startsWith('baseline') ? 'baseline' : 'echo';
    parts.push(`### Throughput search: ${name}`, '');
    parts.push(
      table(
        ['Rate /s', 'Held', 'Ack p50 / p99 ms', 'Relay p50 / p99 ms', `${sut} CPU %`, 'machine %', 'other load % (steal)', 'Why not'],
        r.search.steps.map((s) => [
          s.rate,
          s.held ? 'yes' : 'no',
          `${fmt(s.ackP50)} / ${fmt(s.ackP99)}`,
          s.relayP99 === null ? '–' : `${fmt(s.relayP50)} / ${fmt(s.relayP99)}`,
          fmt(s.cpu.processes[sut]),
          fmt(s.cpu.machinePct),
          otherLoad(s.cpu),
          s.why ?? '',
        ]),
      ),
      '',
      `Highest rate held: **${r.search.maxRate ?? 'none'}**${r.search.firstFailedRate ? `; first rate not held: ${r.search.firstFailedRate}` : ''}.`,
      '',
    );
  }
  if (relay.bridge) {
    parts.push(
      `Bridge set-up: ${relay.bridge.users} sessions in agent mode (on_agent_transfer, ${w.setup}) in ${fmt(relay.bridge.setupSeconds)} s. ` +
        `Platform callbacks seen: ${JSON.stringify(relay.bridge.platformCalls)}. ${w.name} webhooks: ${JSON.stringify(relay.bridge.webhooks)}.`,
      '',
    );
  }
  if (relay.baseline?.counters) parts.push(`Baseline counters: ${JSON.stringify(relay.baseline.counters)}.`, '');
  return parts.join('\n');
}

function sessionsSection(s) {
  const rss = (r) => `${fmt(r.start)} / ${fmt(r.median)} / ${fmt(r.max)} / ${fmt(r.end)} / ${fmt(r.min)}`;
  const k = (x) => x.keepalive;
  const lat = (x) => [fmt(k(x).latenessMs.p50, 0), fmt(k(x).latenessMs.p99, 0), fmt(k(x).latenessMs.max, 0), `${k(x).calls}`, `${k(x).missed} / ${k(x).expected}`, JSON.stringify(k(x).statuses)];
  return [
    '## Many sessions',
    '',
    `${s.sessions.toLocaleString('en-US')} LiveChat sessions opened through the platform sandbox (on_agent_transfer, chat opened, agent joined) in ${fmt(s.setupSeconds)} s (${fmt(s.openRate, 0)}/s), ` +
      `each with its keep-alive job scheduler (every ${s.everySeconds} s, KEEPALIVE_INTERVAL_SECONDS) and its inactivity job (INACTIVITY_TIMEOUT_SECONDS=${s.inactivitySeconds}, not due in the window). ` +
      `Keep-alive lateness = arrival of extendRequestId at the platform sandbox - the due time BullMQ holds for that firing (repeat set). ${s.openAfterWindow} sessions still open after the window.`,
    '',
    table(
      ['Window', 'RSS MB (start / median / max / end / min)', 'bridge or worker CPU %', 'redis %', 'postgres %', 'platform-sim %', 'other load %'],
      [
        ['bridge, no session', rss(s.idle.rssMb), fmt(s.idle.cpu.processes.bridge), fmt(s.idle.cpu.processes.redis), fmt(s.idle.cpu.processes.postgres), fmt(s.idle.cpu.processes['platform-sim']), fmt(s.idle.cpu.otherPct)],
        ...(s.opening ? [[`bridge, opening the sessions`, rss(s.opening.rssMb), fmt(s.opening.cpu.processes.bridge), fmt(s.opening.cpu.processes.redis), fmt(s.opening.cpu.processes.postgres), fmt(s.opening.cpu.processes['platform-sim']), fmt(s.opening.cpu.otherPct)]] : []),
        ...(s.settled ? [[`bridge, settling after opening (${fmt(s.settled.seconds, 0)} s)`, '', '', '', '', '', '']] : []),
        [`bridge, ${s.sessions} sessions`, rss(s.loaded.rssMb), fmt(s.loaded.cpu.processes.bridge), fmt(s.loaded.cpu.processes.redis), fmt(s.loaded.cpu.processes.postgres), fmt(s.loaded.cpu.processes['platform-sim']), fmt(s.loaded.cpu.otherPct)],
        ...(s.afterClose ? [[`bridge, same work, its sessions closed (closing took ${fmt(s.closeSeconds)} s)`, rss(s.afterClose.rssMb), fmt(s.afterClose.cpu.processes.bridge), fmt(s.afterClose.cpu.processes.redis), fmt(s.afterClose.cpu.processes.postgres), fmt(s.afterClose.cpu.processes['platform-sim']), fmt(s.afterClose.cpu.otherPct)]] : []),
        ...(s.baseline ? [[`baseline: bare BullMQ, ${s.sessions} schedulers`, rss(s.baseline.rssMb), fmt(s.baseline.cpu.processes['baseline-timers']), fmt(s.baseline.cpu.processes.redis), fmt(s.baseline.cpu.processes.postgres), fmt(s.baseline.cpu.processes['platform-sim']), fmt(s.baseline.cpu.otherPct)]] : []),
      ],
    ),
    '',
    ...(s.topology === 'split'
      ? [
          'Split topology (`--sessions-topology=split`, as deploy/ runs it): the bridge above serves HTTP with RUN_WORKERS=false; the worker process below runs the queues, the keep-alive timers among them.',
          '',
          table(
            ['Window', 'worker RSS MB (start / median / max / end / min)', 'worker CPU %'],
            [
              ['no session', rss(s.idle.rssMbOf.worker), fmt(s.idle.cpu.processes.worker)],
              ...(s.opening ? [['opening the sessions', rss(s.opening.rssMbOf.worker), fmt(s.opening.cpu.processes.worker)]] : []),
              [`${s.sessions} sessions`, rss(s.loaded.rssMbOf.worker), fmt(s.loaded.cpu.processes.worker)],
              ...(s.afterClose ? [['same work, its sessions closed', rss(s.afterClose.rssMbOf.worker), fmt(s.afterClose.cpu.processes.worker)]] : []),
            ],
          ),
          '',
        ]
      : []),
    table(['Keep-alives', 'lateness p50 ms', 'p99 ms', 'max ms', 'calls', 'missed / due', 'statuses'], [['agent-bridge', ...lat(s.loaded)], ...(s.baseline ? [['bare BullMQ', ...lat(s.baseline)]] : [])]),
    '',
    ...(s.redis
      ? [
          `Redis (a redis-server of the stage's own, hz ${s.redisHz}, no persistence): used_memory ${fmt(s.redis.before.usedBytes / 2 ** 20)} MB (${s.redis.before.keys} keys) before the sessions, ${fmt(s.redis.after.usedBytes / 2 ** 20)} MB (${s.redis.after.keys} keys) with them: ` +
            `**${fmt(s.redis.bytesPerSession / 1024, 2)} KB and ${s.redis.keysPerSession} keys per session**; bare BullMQ, one keep-alive scheduler each: ${fmt(s.baseline?.redis.bytesPerSession / 1024, 2)} KB and ${s.baseline?.redis.keysPerSession} keys per session.`,
        ]
      : [`Redis memory: ${fmt(s.redisMb.before)} MB before the sessions, ${fmt(s.redisMb.after)} MB with them (whole Redis, shared).`]),
    ...(s.redisAfterClose ? ['', `After closing them: ${fmt(s.redisAfterClose.after.usedBytes / 2 ** 20)} MB (${s.redisAfterClose.after.keys} keys), ${fmt(s.redisAfterClose.bytesPerSession / 1024, 2)} KB and ${s.redisAfterClose.keysPerSession} keys per closed session left.`] : []),
    ...(s.work ? ['', `Work per session opened (growth of Redis's INFO commandstats, commands run inside Lua scripts included, and of Postgres's xact_commit + xact_rollback; the stage's own polling queries included): ${s.work.redisCommands} Redis commands, ${s.work.pgTransactions} Postgres transactions.`] : []),
    '',
  ].join('\n');
}

function consoleSection(c) {
  return [
    '## Agent console fan-out',
    '',
    `${c.agents.toLocaleString('en-US')} agents connected over socket.io (websocket) to \`/console\` in ${fmt(c.connectSeconds)} s, each owning one user's chat (HANDOFF_PROVIDER=console, accepted from the queue; ` +
      `${fmt(c.assignSeconds)} s to hand over and accept all). Latency = arrival of the \`message\` event at the owner's socket - the scheduled send time of the user message. ` +
      `Sign-in over HTTP (scrypt) took ${c.signInMs.map((v) => fmt(v, 0)).join(', ')} ms for the first agents; the others use the same token, minted with CONSOLE_TOKEN_SECRET.`,
    '',
    table(['System', 'Measured', 'Messages', 'p50', 'p90', 'p99', 'max', 'Lost / not acked', 'Slowest 1 %: stalls or spread'], [...latencyRows('agent-bridge', c.bridge), ...latencyRows('baseline', c.baseline)]),
    '',
    phaseCpuTable([['agent-bridge', c.bridge, 'bridge'], ['baseline', c.baseline, 'baseline']]),
    '',
    ...(c.bridge.db
      ? [
          table(['Postgres work per message', 'transactions', 'rows inserted', 'rows updated', 'rows fetched'], [
            ['agent-bridge', fmt(c.bridge.db.xacts), fmt(c.bridge.db.inserted), fmt(c.bridge.db.updated), fmt(c.bridge.db.fetched)],
            ['baseline', fmt(c.baseline.db?.xacts), fmt(c.baseline.db?.inserted), fmt(c.baseline.db?.updated), fmt(c.baseline.db?.fetched)],
          ]),
          '',
        ]
      : []),
  ].join('\n');
}

function reportsSection(r) {
  const pair = (t) => (t ? `${fmt(t.p50)} / ${fmt(t.p95)} ms` : '–');
  const ru = r.rollup;
  return [
    '## Reports',
    '',
    `${r.conversations.toLocaleString('en-US')} conversations over a year seeded with generate_series in ${fmt(r.seedSeconds)} s (heap ${r.heapMb} MB, report index ${r.indexMb} MB), then VACUUM ANALYZE. ` +
      `The rollup (zone ${ru.zone}) built in ${fmt(ru.buildSeconds)} s (load average ${fmt(ru.buildLoad)} at its end): ${fmt(ru.rows)} rows (${fmt(ru.monthRows)} of months), ${fmt(ru.mb)} MB with its index. ` +
      `A late rating with the dirty-day trigger: ${fmt(ru.trigger.on.meanUs)} µs per UPDATE on average (p95 ${fmt(ru.trigger.on.p95Us)}), trigger disabled ${fmt(ru.trigger.off.meanUs)} µs (p95 ${fmt(ru.trigger.off.p95Us)}); ` +
      `a hand-off's INSERT (today: nothing marked) ${fmt(ru.trigger.insertOn.meanUs)} µs (p95 ${fmt(ru.trigger.insertOn.p95Us)}) against ${fmt(ru.trigger.insertOff.meanUs)} µs (p95 ${fmt(ru.trigger.insertOff.p95Us)}) with the trigger disabled; ` +
      `the next rollup run recomputed ${ru.recompute.dirtyDaysRecomputed} day(s) and ${ru.recompute.monthsRolled} month(s) in ${fmt(ru.recomputeSeconds)} s. ` +
      `Each statement of the console's report (the engine's SQL from dist) ran ${r.runs} times per range after two warm-up runs, on one connection; ` +
      'the baseline is a bare `SELECT count(*)` of the same opened_at range in the same run; "whole report" is the engine\'s readReport on a pool of 5 connections, its statements side by side as in the app.',
    '',
    table(['Range', 'Load average', 'Rows in range', 'count(*) p50 / p95', 'State', 'Rollup: days', 'Rollup: teams', 'Rollup: agents', 'Rows (days)', 'Whole report', 'Scan of the rows'], r.ranges.map((g) => [
      g.label, fmt(g.loadAverage), fmt(g.inRange), pair(g.baseline), pair(g.state), pair(g.days), pair(g.teams), pair(g.agents), `${pair(g.raw)} (${g.raw.days})`, pair(g.report), g.scan,
    ])),
    '',
  ].join('\n');
}

function machineSection(report) {
  const m = report.machine;
  return [
    '## Machine',
    '',
    table(
      ['', ''],
      [
        ['Date', report.date],
        ['Mode', report.quick ? 'quick (CI smoke run: small counts, short windows — figures are indicative only)' : 'full'],
        ['Code measured', `${report.root} at ${report.commit}`],
        ['CPU', `${m.cores} cores, ${m.cpuModel}`],
        ['Memory', `${m.memoryGb} GiB`],
        ['Kernel / Node', `${m.kernel} / ${m.node}`],
        ['Redis', `${m.redis.version}, hz ${m.redis.hz} (delayed jobs fire up to 1/hz = ${fmt(1000 / m.redis.hz, 0)} ms late)`],
        ['Postgres', `${m.postgres.version}, synchronous_commit=${m.postgres.synchronous_commit}, fsync=${m.postgres.fsync}, shared_buffers=${m.postgres.shared_buffers}`],
        ['Listening services', m.services.join(', ') || '–'],
        ['Load average at start', m.loadAverage.join(' / ')],
        ['Other load during the run', `${fmt(report.background.meanOtherPct)} % of one core on average over the measured windows (max ${fmt(report.background.maxOtherPct)} %); hypervisor steal in the same windows ${fmt(report.background.meanStealPct)} % (max ${fmt(report.background.maxStealPct)} %): ${report.background.top.join('; ') || '–'}`],
        ['Run time', `${fmt(report.seconds, 0)} s`],
      ],
    ),
    '',
  ].join('\n');
}

function methodSection(report) {
  const o = report.settings;
  return [
    '## Method',
    '',
    '- Everything runs on 127.0.0.1, unpinned: the bridge (`dist/apps/bridge/src/main.js` as a child process, with the node flags of `npm start`), the platform sandbox, the desk\'s sandbox (LiveChat, or Chatwoot with `--provider=chatwoot`), the load generator, Redis and Postgres share the cores. CPU is read from `/proc/<pid>/stat` (user+sys) over each window, Postgres as the whole cluster, "other load" is the machine\'s busy time not spent in those processes.',
    '- Load is open-loop: messages at evenly spaced scheduled times regardless of responses, over keep-alive `node:http` connections; latency counts from the scheduled time, so a stalled server is not hidden (no coordinated omission). Cross-process latencies use `process.hrtime` (CLOCK_MONOTONIC, shared by all processes).',
    '- Slowest 1 %: the messages at or above the p99, by their send time. A burst is 5 or more of them sent at most 100 ms apart: a stall that held every message in flight (a pause of a process, of Postgres, of the machine). A tail spread over the run, with no burst, is a process that is simply busy. A bystander process doing nothing but a 10 ms timer runs beside every stage (about 1 % of a core, counted in other load); when its timer fires more than 5 ms late, a ready process was kept off the CPU (all cores taken, or the hypervisor paused our vCPUs). A burst during such a stall is the machine\'s, not the measured system\'s own.',
    `- Throughput: steps of ${o.relay.search.stepMs / 1000} s from ${o.relay.search.startRate}/s (×${o.relay.search.factor}, then ${o.relay.search.bisections} bisections). A step holds when the load generator kept its schedule (send lag p99 <= ${o.relay.search.limits.sendLagMs} ms), every message was acknowledged 2xx with ack p99 <= ${o.relay.search.limits.ackP99Ms} ms, and every message reached the provider sandbox within ${o.relay.search.drainTimeoutMs / 1000} s with relay p99 <= ${o.relay.search.limits.relayP99Ms} ms (a backlog that keeps growing fails this). The same rule applies to the baseline and to the echo.`,
    `- Latency phases: ${o.relay.latencyMs / 1000} s at ${o.relay.latencyRate}/s after a ${o.relay.warmupMs / 1000} s warm-up at ${o.relay.warmupRate}/s, over ${o.relay.users} sessions in agent mode.`,
    '- Baseline pipeline (`bench/children/baseline-pipeline.server.js`): node:http, ioredis, pg (pool 10), keep-alive http.request; per user message: verify the JWT, Redis SET NX, INSERT (durable commit), POST send_event to the LiveChat sandbox, then 200. Per agent webhook: check the secret, SET NX, INSERT, POST sendUserMessage, 200. It keeps sessions in memory and acknowledges only after the provider call (synchronous), while the bridge acknowledges once the event is in Redis and relays through BullMQ jobs: the throughput ratio compares durable relays, the latency columns compare what each acknowledges.',
    o.provider === 'chatwoot'
      ? '- Chatwoot: both systems register the account webhook through the bridge\'s registrar (`message_created`, `conversation_updated`, `conversation_status_changed`, signed); Chatwoot cannot filter, so both also receive their own incoming messages back and drop them. The baseline posts each user message as an incoming message (`POST /conversations/{id}/messages`) and relays each public outgoing `message_created`, after checking the path secret and the signature.'
      : '- Both systems register LiveChat\'s `incoming_event` webhook through the bridge\'s registrar, filtered to `source_type: other_clients, system`, so neither receives its own customer messages back.',
    '- Keep-alive baseline (`bench/children/baseline-timers.worker.js`): one BullMQ worker (concurrency 50) with the same number of job schedulers on the same interval, each firing reading its row from Postgres and POSTing extendcallid to the platform sandbox.',
    '- Console baseline: the baseline pipeline with a socket.io server; the agent\'s socket joins room `agent:<id>`; after dedupe and insert it emits `message` to that room.',
    '',
  ].join('\n');
}

function write(report, outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'report.json'), JSON.stringify(report, null, 2));
  const parts = [`# agent-bridge benchmark, ${report.date}`, ''];
  if (report.quick) parts.push('> Quick mode (CI): small counts and short windows. The figures show the benchmark still runs; compare with targets only in a full run.', '');
  parts.push('## Figures', '', figuresTable(report.figures), '');
  if (report.errors.length) parts.push('## Stages that failed', '', ...report.errors.map((e) => `- **${e.stage}**: ${e.message.split('\n')[0]}`), '');
  parts.push(machineSection(report));
  if (report.stages.relay || report.stages.echo) parts.push(relaySection(report.stages.relay || {}, report.stages.echo));
  if (report.stages.sessions) parts.push(sessionsSection(report.stages.sessions));
  if (report.stages.console) parts.push(consoleSection(report.stages.console));
  if (report.stages.reports) parts.push(reportsSection(report.stages.reports));
  if (report.profiles.length) parts.push('## CPU profiles of the bridge', '', ...report.profiles.map((p) => p.markdown), '');
  parts.push(methodSection(report));
  const md = parts.join('\n');
  fs.writeFileSync(path.join(outDir, 'report.md'), md);
  return md;
}

module.exports = { write };
