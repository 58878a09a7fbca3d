import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A redis-server of the test's own on `port`, without persistence (a restart empties it), for the
 * faults a test injects: the machine's shared Redis is never stopped or flushed.
 */
export function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) while starting`)));
  });
}

/** Kills it by PID (SIGKILL: a crash, not a clean shutdown) and waits for the exit. */
export function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
