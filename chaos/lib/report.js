'use strict';
// chaos/results/report.md and report.json.
const fs = require('node:fs');
const path = require('node:path');

const ms = (v) => (v === null || v === undefined ? 'never' : v < 1000 ? `${v} ms` : `${(v / 1000).toFixed(1)} s`);
const relative = (v) => (v < 0 ? `${ms(-v)} before the clear` : `${ms(v)} after the clear`);
const DIRECTIONS = [
  ['userToAgent', 'user -> agent'],
  ['agentToUser', 'agent -> user'],
];

function summaryTable(faults) {
  const rows = [
    '| Fault | Direction | Sent (acked) | Delivered | Lost | Duplicated | Reordered | Longest stall | Longest stall after clear | First delivery after clear | All caught up after clear |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const f of faults) {
    if (f.error) {
      rows.push(`| ${f.name} | – | harness error: ${f.error.split('\n')[0].replace(/\|/g, '/')} | | | | | | | | |`);
      continue;
    }
    for (const [key, label] of DIRECTIONS) {
      const d = f.result[key];
      if (!d) continue;
      rows.push(`| ${f.name} | ${label} | ${d.sent} (${d.acked}) | ${d.delivered} | ${d.lost} | ${d.duplicated} | ${d.reordered} | ${ms(d.longestStallMs)} | ${ms(d.longestStallAfterClearMs)} | ${ms(d.firstDeliveryAfterClearMs)} | ${ms(d.caughtUpAfterClearMs)} |`);
    }
  }
  return rows.join('\n');
}

function details(f) {
  const out = [`### ${f.name}: ${f.title}`, ''];
  if (f.error) return [...out, '```', f.error, '```', ''].join('\n');
  const r = f.result;
  out.push(`The fault began ${(r.fault.atMs / 1000).toFixed(1)} s into the soak and cleared ${ms(r.fault.clearedAtMs - r.fault.atMs)} later (cleared: ${f.cleared}).`);
  for (const e of r.fault.events) out.push(`- ${e.what} at ${(e.atMs / 1000).toFixed(1)} s into the soak`);
  if (r.plan) out.push(`Soak: ${r.plan.count} messages each way at ${r.plan.rate}/s over ${r.conversations ?? ''} conversations; watched for ${r.watchedSeconds} s; machine load average ${r.loadAverage.before.toFixed(2)} before, ${r.loadAverage.after.toFixed(2)} after.`);
  for (const [key, label] of DIRECTIONS) {
    const d = r[key];
    if (!d) continue;
    out.push(
      `- ${label}: ${d.ackedPerSecond} acknowledged/s; latency p50 ${ms(d.latencyMs.p50)}, p99 ${ms(d.latencyMs.p99)}, max ${ms(d.latencyMs.max)}` +
        (d.unacked ? `; ${d.unacked} never acknowledged` : '') +
        (d.fromTranscript ? `; ${d.fromTranscript} read from the chat's history when it reached an agent` : '') +
        (d.retriedSends !== undefined ? `; ${d.retriedSends} sends retried (${d.refusedAttempts} refused or failed attempts)` : '') +
        (d.lost ? `; lost e.g. ${d.lostSample.join(', ')}` : '') +
        (d.samples?.reordered.length ? `; reordered e.g. ${d.samples.reordered.slice(0, 3).map((x) => `${x.message} after seq ${x.afterSeq} (${relative(x.atMs)})`).join(', ')}` : '') +
        (d.samples?.duplicated.length ? `; duplicated e.g. ${d.samples.duplicated.slice(0, 3).map((x) => `${x.message} (${relative(x.firstMs)}, again ${relative(x.againMs)})`).join(', ')}` : '') +
        (d.longestStallAt ? `; longest stall in conversation ${d.longestStallAt.conv} starting ${relative(d.longestStallAt.fromMs)}` : ''),
    );
  }
  if (r.checks) out.push('', 'Checks of this fault:', '```json', JSON.stringify(r.checks, null, 2), '```');
  out.push('', `Platform callbacks: ${JSON.stringify(r.platformCalls)}`);
  if (r.webhooks) out.push(`LiveChat webhook deliveries: ${JSON.stringify(r.webhooks)}`);
  out.push('');
  return out.join('\n');
}

function write(result, outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'report.json'), `${JSON.stringify(result, null, 2)}\n`);
  const m = result.machine;
  const md = [
    `# Chaos run, ${result.date}`,
    '',
    `Commit ${result.commit}, ${result.quick ? 'quick' : 'full'} run, ${result.seconds.toFixed(0)} s. ${result.settings.rate} messages/s each way, at least ${result.settings.minMessages} each way per fault, ${result.settings.conversations} conversations.`,
    'Figures are reported, not asserted (`--strict` fails the run on any lost or reordered message).',
    'Times "after clear" count from the moment each fault cleared (see each fault below); "never" means not within the watch.',
    '',
    summaryTable(result.faults),
    '',
    '## Faults',
    '',
    ...result.faults.map(details),
    '## Machine',
    '',
    `${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB, kernel ${m.kernel}, Node ${m.node}; load average at start ${m.loadAverage.join(' / ')}, at end ${result.loadAverageEnd.join(' / ')}.`,
    `Redis of the run: ${result.ownRedisVersion}; Postgres (shared, for most faults) ${m.postgres.version}. Other services on the box: ${m.services.join(', ') || 'unknown'}.`,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(outDir, 'report.md'), md);
  return md;
}

module.exports = { write };
