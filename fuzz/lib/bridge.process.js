'use strict';
// The bridge under fuzz: dist's main.js as its own OS process, with the V8 inspector on loopback so
// that the run can force a GC and read the process's memory without any hook in the product.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const WebSocket = require('ws');

class BridgeUnderFuzz {
  constructor(root, env, logFile) {
    this.main = path.join(root, 'dist/apps/bridge/src/main.js');
    if (!fs.existsSync(this.main)) throw new Error(`${this.main} is missing: run "npm run build" first (npm run fuzz does)`);
    this.env = env;
    this.logFile = logFile;
    this.exit = null;
    this.inspectorUrl = null;
  }

  async start(timeoutMs = 30_000) {
    const log = fs.createWriteStream(this.logFile);
    // The production flags of `npm start`, plus the inspector on a port the OS picks.
    const args = ['--inspect=127.0.0.1:0', '--max-semi-space-size=32', '--no-allocation-site-pretenuring', this.main];
    this.child = spawn(process.execPath, args, { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout.pipe(log);
    this.child.stderr.pipe(log);
    this.child.once('exit', (code, signal) => (this.exit = { code, signal }));
    let output = '';
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the bridge did not start within ${timeoutMs} ms:\n${output.slice(-2000)}`)), timeoutMs);
      const onData = (chunk) => {
        output += chunk.toString();
        const match = /Debugger listening on (ws:\/\/\S+)/.exec(output);
        if (match) this.inspectorUrl = match[1];
        if (this.inspectorUrl && output.includes('agent-bridge listening')) {
          clearTimeout(timer);
          resolve();
        }
      };
      this.child.stdout.on('data', onData);
      this.child.stderr.on('data', onData);
      this.child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the bridge exited with ${code} while starting:\n${output.slice(-2000)}`));
      });
    });
  }

  get alive() {
    return this.exit === null;
  }

  /** process.memoryUsage() after a full, forced garbage collection (HeapProfiler.collectGarbage). */
  async memoryAfterGc() {
    const ws = new WebSocket(this.inspectorUrl);
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    let next = 0;
    const pending = new Map();
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      const waiter = pending.get(message.id);
      if (waiter) (pending.delete(message.id), message.error ? waiter.reject(new Error(message.error.message)) : waiter.resolve(message.result));
    });
    const send = (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = ++next;
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      });
    try {
      // Twice: objects with finalizers or weak references need a second pass to go.
      await send('HeapProfiler.collectGarbage');
      await send('HeapProfiler.collectGarbage');
      const result = await send('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
      return JSON.parse(result.result.value);
    } finally {
      ws.close();
    }
  }

  async stop(timeoutMs = 30_000) {
    if (!this.child || !this.alive) return this.exit;
    const exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const result = await exited;
    clearTimeout(timer);
    return result;
  }
}

module.exports = { BridgeUnderFuzz };
