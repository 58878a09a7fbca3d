'use strict';
// fuzz/results/report.{md,json}: requests by route and outcome, 5xx, crash, memory.
const fs = require('node:fs');
const path = require('node:path');

const mb = (bytes) => (bytes === undefined ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MB`);

function toMarkdown(r) {
  const lines = [
    '# Fuzz run',
    '',
    `Seed ${r.seed}, ${r.requests} generated requests, ${r.concurrency} at a time, ${r.startedAt} to ${r.finishedAt}.`,
    '',
    `- **5xx answers: ${r.fiveXx}** (HTTP 5xx plus ${r.socketExceptions ?? 0} internal-error exceptions on the console socket)`,
    `- **Crashed: ${r.crashed ? 'yes' : 'no'}**; /health/live at the end: ${r.liveAtEnd ?? 'n/a'}; exit after the final SIGTERM: code ${r.exit?.code ?? 'n/a'}, signal ${r.exit?.signal ?? 'none'}`,
    `- Not sent (Node's HTTP client refused the generated path or header): ${r.skipped}`,
    `- Calls the bridge made to the platform / desk stand-in: ${r.echoCalls}`,
    '',
    '## Memory of the bridge process (process.memoryUsage() after a forced full GC through the inspector)',
    '',
    '| when | heap used | RSS | external |',
    '|---|---|---|---|',
    ...[['start (before any request)', r.memory?.start], ['after the first 10 %', r.memory?.afterWarmup], ['end', r.memory?.end]].map(
      ([when, m]) => `| ${when} | ${mb(m?.heapUsed)} | ${mb(m?.rss)} | ${mb(m?.external)} |`,
    ),
    '',
    '## Requests by route and outcome',
    '',
    '| route | outcomes |',
    '|---|---|',
    ...Object.entries(r.byRoute)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([route, outcomes]) => `| ${route} | ${Object.entries(outcomes).sort(([a], [b]) => a.localeCompare(b)).map(([o, n]) => `${o}: ${n}`).join(', ')} |`),
    '',
    'Socket outcomes: `ack` (answered), `unknown-event` (no handler, so no answer: expected), `no-ack` (a known event left unanswered), `refused` / `connected` (handshakes with bad tokens).',
  ];
  if (r.failures.length) {
    lines.push('', '## First failures', '', '```json', JSON.stringify(r.failures, null, 1), '```');
  }
  if (r.cleanup?.length) lines.push('', `Clean-up problems: ${r.cleanup.join('; ')}`);
  return `${lines.join('\n')}\n`;
}

function writeReport(result, outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'report.json'), `${JSON.stringify(result, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'report.md'), toMarkdown(result));
}

module.exports = { writeReport, toMarkdown };
