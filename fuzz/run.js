#!/usr/bin/env node
'use strict';
// npm run fuzz [-- --requests=10000] [--seed=42] [--concurrency=8] [--out=fuzz/results]
// A seeded fuzz run over every inbound route of a real bridge process (dist); writes
// fuzz/results/report.{md,json} and exits 1 on any 5xx or a crash. See README.md, "Benchmark".
const path = require('node:path');
const { runFuzz } = require('./lib/fuzz-run');
const { writeReport } = require('./lib/report');

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
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
