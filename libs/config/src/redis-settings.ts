import type { EnvReader } from './config.loader';
import type { RedisConfig, RedisNode, RedisTopology } from './config.types';

const HASH_TAG = /\{[^}]+\}/;

/** `host:port,host:port`; each bad entry is a problem naming the variable. */
function readNodes(r: EnvReader, name: string): RedisNode[] | undefined {
  const raw = r.optional(name);
  if (raw === undefined) return undefined;
  const nodes: RedisNode[] = [];
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    const match = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/.exec(entry);
    const port = match ? Number(match[2]) : 0;
    if (!match || port < 1 || port > 65535) {
      r.problems.push(`${name} must be a comma-separated list of host:port (got "${entry}")`);
      continue;
    }
    nodes.push({ host: match[1].replace(/^\[|\]$/g, ''), port });
  }
  if (nodes.length === 0 && !r.problems.some((p) => p.startsWith(name))) r.problems.push(`${name} must list at least one host:port`);
  return nodes;
}

function readTopology(r: EnvReader): RedisTopology {
  const sentinels = readNodes(r, 'REDIS_SENTINELS');
  const clusterNodes = readNodes(r, 'REDIS_CLUSTER_NODES');
  if (sentinels && clusterNodes) {
    r.problems.push('REDIS_SENTINELS and REDIS_CLUSTER_NODES cannot both be set: Sentinel and Cluster are different topologies');
    return { mode: 'standalone' };
  }
  if (sentinels) {
    const masterName = r.optional('REDIS_SENTINEL_NAME');
    if (!masterName) r.problems.push('REDIS_SENTINEL_NAME is required when REDIS_SENTINELS is set (the master name the sentinels monitor)');
    return { mode: 'sentinel', sentinels, masterName: masterName ?? '', sentinelPassword: r.optional('REDIS_SENTINEL_PASSWORD') ?? null };
  }
  for (const name of ['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD']) {
    if (r.optional(name)) r.problems.push(`${name} is only used with REDIS_SENTINELS, which is not set`);
  }
  if (clusterNodes) return { mode: 'cluster', nodes: clusterNodes };
  return { mode: 'standalone' };
}

export function readRedis(r: EnvReader): RedisConfig {
  const url = r.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']);
  const topology = readTopology(r);
  // Each lane script and each BullMQ queue touches several keys: in a cluster they must share a slot.
  const keyPrefix = r.string('REDIS_KEY_PREFIX', topology.mode === 'cluster' ? '{agent-bridge}' : 'agent-bridge');
  if (topology.mode === 'cluster' && !HASH_TAG.test(keyPrefix)) {
    r.problems.push(`REDIS_KEY_PREFIX must hold a hash tag such as {agent-bridge} with REDIS_CLUSTER_NODES, so that each script's keys share a slot (got "${keyPrefix}")`);
  }
  if (topology.mode === 'cluster' && /^\/\d+$/.test(safePath(url)) && safePath(url) !== '/0') {
    r.problems.push('REDIS_URL cannot name a database other than 0 with REDIS_CLUSTER_NODES: a cluster has only database 0');
  }
  const replicaAcks = r.int('REDIS_WAIT_REPLICAS', topology.mode === 'sentinel' ? 1 : 0, 0, 16);
  if (topology.mode === 'cluster' && replicaAcks > 0) {
    r.problems.push('REDIS_WAIT_REPLICAS is not supported with REDIS_CLUSTER_NODES (WAIT would run on another node than the write)');
  }
  return { url, keyPrefix, topology, replicaAcks, replicaAckTimeoutMs: r.int('REDIS_WAIT_TIMEOUT_MS', 1000, 10, 60_000) };
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}
