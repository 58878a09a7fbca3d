import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisConfig } from '@agent-bridge/config';

export interface RedisClientOptions {
  /** Shown by CLIENT LIST, to tell the bridge's connections apart. */
  connectionName: string;
  /** `null` for blocking and subscriber connections (BullMQ requires it), so they wait out a failover. */
  maxRetriesPerRequest?: number | null;
  enableAutoPipelining?: boolean;
}

/** A node that was the primary answers READONLY once demoted: reconnect (to the new primary) and send it again. */
function reconnectOnReadonly(error: Error): 2 | false {
  return error.message.startsWith('READONLY') ? 2 : false;
}

/** Credentials, TLS and database from REDIS_URL; the hosts come from it only in standalone mode. */
function urlOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  const db = Number(parsed.pathname.replace(/^\//, '') || 0);
  return {
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
  };
}

/**
 * Options for a client that a library builds itself (BullMQ), standalone or Sentinel. Every client of
 * the bridge comes from here or from createRedis, so a topology is configured in one place.
 */
export function redisOptions(config: RedisConfig, options: RedisClientOptions): RedisOptions {
  const topology = config.topology ?? { mode: 'standalone' };
  const common: RedisOptions = { ...urlOptions(config.url), ...options, reconnectOnError: reconnectOnReadonly };
  if (topology.mode === 'cluster') throw new Error('a Redis Cluster needs a client built by createRedis');
  if (topology.mode === 'standalone') {
    const parsed = new URL(config.url);
    return { ...common, host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || 6379) };
  }
  return {
    ...common,
    sentinels: topology.sentinels,
    name: topology.masterName,
    sentinelPassword: topology.sentinelPassword ?? undefined,
    enableTLSForSentinelMode: common.tls !== undefined,
    // Not ioredis's failoverDetector: its disconnect on +switch-master, landing while the client is
    // still asking the sentinels for the primary, ends the client for good ("Connection is closed").
    // A failover closes the old primary's connections anyway, and the client then asks again.
    // A command cut off by the failover fails instead of going again to the new primary: a WAIT sent
    // again there would count replicas of a primary that never had the write it vouches for.
    // Blocking and subscriber connections (null retries) keep resending: they carry no such write.
    autoResendUnfulfilledCommands: options.maxRetriesPerRequest === null,
  };
}

/**
 * The one place a Redis client is made: standalone, Sentinel (`sentinels` + master name) or Cluster.
 * A Cluster is returned as `Redis`: its command surface is the same, and the bridge keeps every
 * multi-key script and pipeline inside one hash tag (the key prefix), as a cluster requires.
 */
export function createRedis(config: RedisConfig, options: RedisClientOptions): Redis {
  const topology = config.topology ?? { mode: 'standalone' };
  if (topology.mode !== 'cluster') return new Redis(redisOptions(config, options));
  const { db: _db, ...fromUrl } = urlOptions(config.url);
  const clusterOptions: ClusterOptions = {
    redisOptions: { ...fromUrl, connectionName: options.connectionName, maxRetriesPerRequest: options.maxRetriesPerRequest },
    enableAutoPipelining: options.enableAutoPipelining,
    // Commands sent while the slots move or a master fails over are queued and sent again, not failed.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
  };
  const cluster = new Cluster(topology.nodes, clusterOptions);
  pinPublishes(cluster, `${config.keyPrefix}:pubsub`);
  return cluster as unknown as Redis;
}

/**
 * ioredis sends a PUBLISH (it has no key) to a random node, and the cluster bus relays each node's
 * messages on its own link, so two messages on one channel can arrive swapped (an agent saw a user's
 * messages out of order). Sent as a script on `routeKey` instead, every PUBLISH of the client leaves
 * from the one node that owns the deployment's hash tag, in order. Not sharded pub/sub: the
 * socket.io emitter can only PUBLISH.
 */
function pinPublishes(cluster: Cluster, routeKey: string): void {
  cluster.defineCommand('abPublish', { numberOfKeys: 1, lua: `return redis.call('PUBLISH', ARGV[1], ARGV[2])` });
  const publish = (cluster as unknown as { abPublish(key: string, channel: string | Buffer, message: string | Buffer): Promise<number> }).abPublish.bind(cluster);
  Object.assign(cluster, { publish: (channel: string | Buffer, message: string | Buffer) => publish(routeKey, channel, message) });
}

/** True for a client of a Redis Cluster (made by createRedis). */
export function isCluster(redis: Redis): boolean {
  return (redis as unknown as { isCluster?: boolean }).isCluster === true;
}

/**
 * Subscribers of each channel (PUBSUB NUMSUB). A cluster counts only the node asked, while a
 * subscriber may sit on any node and a PUBLISH reaches all of them: every node is asked, and summed.
 */
export async function subscriberCounts(redis: Redis, channels: string[]): Promise<number[]> {
  const nodes = isCluster(redis) ? (redis as unknown as Cluster).nodes('all') : [redis];
  const counts = channels.map(() => 0);
  for (const reply of await Promise.all(nodes.map((node) => node.pubsub('NUMSUB', ...channels) as Promise<Array<string | number>>))) {
    channels.forEach((_, i) => (counts[i]! += Number(reply[2 * i + 1])));
  }
  return counts;
}
