'use strict';
// Every process the benchmark starts goes through here, so that all of them are stopped at the end,
// on failure, on Ctrl-C, and (through their IPC channel) even when the runner itself is killed.
const { fork, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { RpcClient } = require('./rpc');

const KEEP_LINES = 300;

class Children {
  /** logDir: where each child's whole output goes (`<name>.log`), besides the last lines kept for errors. */
  constructor(logDir = null) {
    this.live = new Set();
    this.logDir = logDir;
  }

  /** A bench child (bench/children/*.js) with an RPC channel; resolves once it reports ready. */
  async fork(name, script, { env = {}, execArgv = [], readyTimeoutMs = 30_000 } = {}) {
    const child = fork(path.join(__dirname, '..', 'children', script), [], {
      env: { ...process.env, ...env },
      execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const handle = this.track(name, child);
    const info = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} not ready within ${readyTimeoutMs} ms:\n${handle.logs()}`)), readyTimeoutMs);
      child.on('message', (msg) => {
        if (msg && msg.ready) {
          clearTimeout(timer);
          resolve(msg.info || {});
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code ?? signal}) while starting:\n${handle.logs()}`));
      });
    });
    handle.info = info;
    handle.rpc = new RpcClient(child, name);
    return handle;
  }

  /**
   * Any node entry point (the bridge): spawned with an IPC channel only so that it stops when the
   * runner disappears (preloaded lib/die-with-parent.js). Resolves when `readyText` appears in its output.
   */
  async spawnNode(name, entry, { env = {}, nodeArgs = [], readyText, readyTimeoutMs = 60_000, cwd } = {}) {
    const args = [...nodeArgs, '-r', path.join(__dirname, 'die-with-parent.js'), entry];
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const handle = this.track(name, child);
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not print "${readyText}" within ${readyTimeoutMs} ms:\n${handle.logs()}`)), readyTimeoutMs);
      const check = () => {
        if (handle.output.some((line) => line.includes(readyText))) {
          clearTimeout(timer);
          child.stdout.off('data', check);
          resolve();
        }
      };
      child.stdout.on('data', check);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code ?? signal}) while starting:\n${handle.logs()}`));
      });
    });
    return handle;
  }

  track(name, child) {
    const handle = {
      name,
      child,
      pid: child.pid,
      output: [],
      logs: () => handle.output.slice(-40).join('\n'),
      stop: (timeoutMs) => this.stop(handle, timeoutMs),
    };
    let file = null; // opened on the first output: silent children leave no empty file
    child.once('exit', () => file?.end());
    const keep = (chunk) => {
      if (!file && this.logDir) {
        file = fs.createWriteStream(path.join(this.logDir, `${name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/-+$/, '')}.log`), { flags: 'a' });
        file.on('error', () => undefined); // a log that cannot be written must not stop the run
      }
      file?.write(chunk);
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        handle.output.push(line);
        if (handle.output.length > KEEP_LINES) handle.output.splice(0, handle.output.length - KEEP_LINES);
      }
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.live.add(handle);
    child.once('exit', () => this.live.delete(handle));
    return handle;
  }

  /** SIGTERM (graceful: the bridge writes its --cpu-prof profile), then SIGKILL after timeoutMs. */
  async stop(handle, timeoutMs = 15_000) {
    const child = handle.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  async stopAll(timeoutMs) {
    await Promise.all([...this.live].reverse().map((h) => this.stop(h, timeoutMs)));
  }

  /** Last resort on process exit: synchronous SIGKILL of whatever is still running. */
  killAllNow() {
    for (const h of this.live) {
      try {
        h.child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

module.exports = { Children };
