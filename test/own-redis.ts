import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QUEUES } from '@agent-bridge/queue';
import { freePort, waitFor } from '@agent-bridge/testing';

/**
 * A redis-server of the test's own on `port`, without persistence (a restart empties it), for the
 * faults a test injects: the machine's shared Redis is never stopped or flushed.
 */
export function startRedis(port: number, extra: string[] = []): Promise<ChildProcess> {
  // A directory of its own: a replica's full sync and a cluster node's config are files.
  const dir = mkdtempSync(join(tmpdir(), `ab-redis-${port}-`));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra];
  return spawnUntil('redis-server', args, /Ready to accept connections|Sentinel ID is/);
}

function spawnUntil(command: string, args: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`${command} exited (${code}) while starting:\n${output}`)));
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

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 > 65_535) continue;
    const busFree = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port + 10_000, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (busFree) return port;
  }
}

async function infoField(port: number, section: string, field: string): Promise<string | undefined> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    const info = await client.info(section);
    return new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim();
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}

export const SENTINEL_MASTER = 'ab-test-master';

/** A primary, a replica and three sentinels (quorum 2), all of the test's own, on free ports. */
export class OwnSentinelSet {
  private constructor(
    readonly nodes: Map<number, ChildProcess>,
    readonly sentinels: Array<{ port: number; child: ChildProcess }>,
  ) {}

  static async start(): Promise<OwnSentinelSet> {
    const [primary, replica] = [await freePort(), await freePort()];
    const nodes = new Map<number, ChildProcess>();
    nodes.set(primary, await startRedis(primary));
    nodes.set(replica, await startRedis(replica, ['--replicaof', '127.0.0.1', String(primary)]));
    await waitFor('the replica in sync', async () => (await infoField(replica, 'replication', 'master_link_status')) === 'up', 20_000);
    const sentinels: Array<{ port: number; child: ChildProcess }> = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const dir = mkdtempSync(join(tmpdir(), `ab-sentinel-${port}-`));
      const file = join(dir, 'sentinel.conf');
      // Quick detection and failover for a test: down after 1 s, a failed election retried after 3 s.
      writeFileSync(file, [
        `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`,
        `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${primary} 2`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER} 1000`,
        `sentinel failover-timeout ${SENTINEL_MASTER} 3000`,
        `sentinel parallel-syncs ${SENTINEL_MASTER} 1`,
      ].join('\n') + '\n');
      sentinels.push({ port, child: await spawnUntil('redis-server', [file, '--sentinel'], /\+monitor master/) });
    }
    const set = new OwnSentinelSet(nodes, sentinels);
    await waitFor('every sentinel sees the replica and the other sentinels', async () => {
      const views = await Promise.all(sentinels.map((s) => set.sentinelView(s.port)));
      return views.every((v) => v && v.replicas >= 1 && v.sentinels >= 2);
    }, 30_000);
    return set;
  }

  /** `REDIS_SENTINELS`'s value. */
  get sentinelList(): string {
    return this.sentinels.map((s) => `127.0.0.1:${s.port}`).join(',');
  }

  /** The primary's port as the sentinels' majority reports it. */
  async primaryPort(): Promise<number> {
    return waitFor('the sentinels agree on a primary', async () => {
      const ports = await Promise.all(this.sentinels.map((s) => this.askSentinel(s.port, ['get-master-addr-by-name', SENTINEL_MASTER]).then((a) => Number((a as string[] | null)?.[1]), () => 0)));
      const first = ports[0];
      return first && ports.filter((p) => p === first).length >= 2 ? first : null;
    }, 30_000);
  }

  /** The replica has every write the primary has (offsets equal), so a failover now loses nothing the test wrote. */
  async replicaCaughtUp(): Promise<void> {
    const primary = await this.primaryPort();
    const replica = [...this.nodes.keys()].find((p) => p !== primary)!;
    await waitFor('the replica caught up', async () => {
      const [masterOffset, replicaOffset] = await Promise.all([infoField(primary, 'replication', 'master_repl_offset'), infoField(replica, 'replication', 'slave_repl_offset')]);
      return masterOffset !== undefined && masterOffset === replicaOffset;
    }, 20_000);
  }

  /**
   * Kills the primary (SIGKILL) and waits until the sentinels have promoted the replica; returns the
   * new primary's port. `lagging`: the replica is frozen (SIGSTOP) and cut off first, until this
   * condition (asked of the primary) holds, as a replica behind at the moment of a crash; then it is
   * let go (SIGCONT) and promoted without what the primary took meanwhile.
   */
  async failover(lagging?: (primary: Redis) => Promise<boolean>): Promise<{ old: number; current: number }> {
    const old = await this.primaryPort();
    const replica = this.nodes.get([...this.nodes.keys()].find((p) => p !== old)!)!;
    if (lagging) {
      const primary = new Redis({ port: old, host: '127.0.0.1', maxRetriesPerRequest: 0 });
      replica.kill('SIGSTOP');
      try {
        // Frozen is not enough: the kernel would still take the replication stream for it. The primary
        // drops the link, so what it takes from now on is on the primary alone.
        await primary.call('CLIENT', 'KILL', 'TYPE', 'replica');
        await waitFor('writes the replica has not got', () => lagging(primary), 30_000, 20);
        await stopRedis(this.nodes.get(old)!);
      } finally {
        primary.disconnect();
        replica.kill('SIGCONT');
      }
    } else {
      await stopRedis(this.nodes.get(old)!);
    }
    const current = await waitFor('the sentinels promoted the replica', async () => {
      const port = await this.primaryPort();
      return port !== old && (await infoField(port, 'replication', 'role')) === 'master' ? port : null;
    }, 30_000);
    return { old, current };
  }

  /**
   * The killed node back, as a replica of the new primary (as the sentinels would reconfigure it).
   * The sentinels may still move the primary (a failover retried under load can elect the node
   * that just came back): what is waited for is the set healthy again, the primary the sentinels
   * name with the other node in sync as its replica, whichever node that is.
   */
  async restartAsReplica(port: number, primary: number): Promise<void> {
    this.nodes.set(port, await startRedis(port, ['--replicaof', '127.0.0.1', String(primary)]));
    await waitFor('the set healthy again: a primary and its replica in sync', async () => {
      const named = await this.primaryPort();
      const other = [...this.nodes.keys()].find((p) => p !== named)!;
      const [role, link, follows] = await Promise.all([
        infoField(named, 'replication', 'role'),
        infoField(other, 'replication', 'master_link_status'),
        infoField(other, 'replication', 'master_port'),
      ]);
      return role === 'master' && link === 'up' && Number(follows) === named;
    }, 60_000);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.sentinels.map((s) => stopRedis(s.child)), ...[...this.nodes.values()].map(stopRedis)]);
  }

  private async sentinelView(port: number): Promise<{ replicas: number; sentinels: number } | null> {
    const reply = (await this.askSentinel(port, ['master', SENTINEL_MASTER]).catch(() => null)) as string[] | null;
    if (!reply) return null;
    const field = (name: string): number => Number(reply[reply.indexOf(name) + 1]);
    return { replicas: field('num-slaves'), sentinels: field('num-other-sentinels') };
  }

  private async askSentinel(port: number, args: string[]): Promise<unknown> {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await client.connect();
      return await client.call('SENTINEL', ...args);
    } finally {
      client.disconnect();
    }
  }
}

/** Three masters with cluster mode on, joined by `redis-cli --cluster create`, slots all covered. */
export class OwnCluster {
  private constructor(readonly nodes: Array<{ port: number; child: ChildProcess }>) {}

  static async start(): Promise<OwnCluster> {
    const nodes: Array<{ port: number; child: ChildProcess }> = [];
    for (let i = 0; i < 3; i++) {
      const port = await freeClusterPort();
      nodes.push({ port, child: await startRedis(port, ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000']) });
    }
    await promisify(execFile)('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-yes']);
    const cluster = new OwnCluster(nodes);
    await waitFor('the cluster ok on every node', async () => {
      const states = await Promise.all(nodes.map((n) => clusterState(n.port)));
      return states.every((s) => s === 'ok');
    }, 30_000);
    return cluster;
  }

  /** `REDIS_CLUSTER_NODES`'s value. */
  get nodeList(): string {
    return this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => stopRedis(n.child)));
  }
}

async function clusterState(port: number): Promise<string | undefined> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    return /cluster_state:(\w+)/.exec((await client.call('CLUSTER', 'INFO')) as string)?.[1];
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}
