import { spawn, type ChildProcess } from 'node:child_process';
import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QUEUES } from '@agent-bridge/queue';
import { waitFor } from '@agent-bridge/testing';

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

/**
 * Every queue's worker of `app` takes jobs again once its Redis is back. Closing while one is still
 * reconnecting would hang in BullMQ's Worker.close() (taskforcesh/bullmq#4656).
 */
export function everyWorkerBack(app: INestApplicationContext): Promise<boolean> {
  return waitFor('every worker back', async () => {
    const counts = await Promise.all(Object.values(QUEUES).map((name) => app.get<Queue>(getQueueToken(name), { strict: false }).getWorkersCount()));
    return counts.every((count) => count > 0);
  }, 20_000, 200);
}
