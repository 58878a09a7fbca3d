'use strict';
// A redis-server of the benchmark's own on a free port (the sessions stage), so that its INFO memory
// and CPU count nothing but the system under test. This host holds the runner's IPC channel: when the
// runner goes, the host goes, and takes redis-server (which has no such channel) with it.
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { serve } = require('../lib/rpc');

const port = Number(process.env.BENCH_REDIS_PORT);
const hz = Number(process.env.BENCH_REDIS_HZ || 10);
const dir = mkdtempSync(path.join(tmpdir(), 'ab-bench-redis-'));
// No persistence: nothing is written to disk, and the memory figure is the dataset alone.
const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--hz', String(hz), '--dir', dir], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
const done = () => {
  try {
    server.kill('SIGKILL');
  } catch {
    // already gone
  }
  rmSync(dir, { recursive: true, force: true });
};
process.on('exit', done);
// A signal ends Node without its 'exit' handlers: the runner's SIGTERM (children.stop) left
// redis-server running after every run until this.
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
process.on('disconnect', () => process.exit(0));
server.once('exit', (code, signal) => {
  console.error(`redis-server exited (${code ?? signal})`);
  process.exit(1);
});
server.stdout.on('data', (chunk) => {
  output += chunk.toString();
  process.stdout.write(chunk);
  if (output.includes('Ready to accept connections')) {
    output = '';
    serve({ stop: () => done() });
    process.send({ ready: true, info: { url: `redis://127.0.0.1:${port}`, pid: server.pid, hz } });
  }
});
server.stderr.on('data', (chunk) => process.stderr.write(chunk));
