#!/usr/bin/env node
'use strict';
// npm run fuzz [-- --requests=10000] [--seed=42] [--concurrency=8] [--out=fuzz/results]
// A seeded fuzz run over every inbound route of a real bridge process (dist); writes
// fuzz/results/report.{md,json} and exits 1 on any 5xx or a crash. See README.md, "Benchmark".
const path = require('node:path');
const { parseArgs } = require('node:util');
const { runFuzz } = require('./lib/fuzz-run');
const { writeReport } = require('./lib/report');

let args;
try {
  ({ values: args } = parseArgs({ options: { requests: { type: 'string' }, seed: { type: 'string' }, concurrency: { type: 'string' }, out: { type: 'string' } } }));
} catch (error) {
  console.error(`${error.message} (options: --requests=N, --seed=N, --concurrency=N, --out=<dir>)`);
  process.exit(2);
}
for (const name of ['requests', 'seed', 'concurrency']) {
  if (args[name] !== undefined && !/^\d+$/.test(args[name])) {
    console.error(`--${name} takes a whole number, not "${args[name]}"`);
    process.exit(2);
  }
}
const outDir = path.resolve(args.out ?? path.join(__dirname, 'results'));
const started = Date.now();
const log = (m) => console.log(`[fuzz ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}`);

runFuzz({ requests: Number(args.requests ?? 10_000), seed: Number(args.seed ?? 42), concurrency: Number(args.concurrency ?? 8), outDir, log })
  .then((result) => {
    writeReport(result, outDir);
    log(`5xx: ${result.fiveXx}, crashed: ${result.crashed ? 'yes' : 'no'}; report in ${path.relative(process.cwd(), outDir)}/report.md`);
    process.exit(result.fiveXx === 0 && !result.crashed ? 0 : 1);
  })
  .catch((error) => {
    console.error(`fuzz run failed: ${error.stack ?? error}`);
    process.exit(2);
  });
