import { ConfigError, loadConfig } from './config.loader';

const creds = { KORE_CLIENT_ID: 'cs-1', KORE_CLIENT_SECRET: 'secret' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...creds, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('Redis topology settings', () => {
  it('is standalone at REDIS_URL by default, waiting for no replica', () => {
    const { redis } = loadConfig(creds);
    expect(redis.topology).toEqual({ mode: 'standalone' });
    expect(redis.replicaAcks).toBe(0);
    expect(redis.keyPrefix).toBe('agent-bridge');
  });

  it('reads Sentinel: the sentinels, the master name and its password; one replica must have each accepted event', () => {
    const { redis } = loadConfig({ ...creds, REDIS_SENTINELS: '10.0.0.1:26379, sentinel-2:26380,[::1]:26381', REDIS_SENTINEL_NAME: 'mymaster', REDIS_SENTINEL_PASSWORD: 's3cret' });
    expect(redis.topology).toEqual({
      mode: 'sentinel',
      sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: 'sentinel-2', port: 26380 }, { host: '::1', port: 26381 }],
      masterName: 'mymaster',
      sentinelPassword: 's3cret',
    });
    expect(redis.replicaAcks).toBe(1);
    expect(loadConfig({ ...creds, REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm', REDIS_WAIT_REPLICAS: '0' }).redis.replicaAcks).toBe(0);
  });

  it('reads Cluster, with a hash-tag key prefix by default', () => {
    const { redis } = loadConfig({ ...creds, REDIS_CLUSTER_NODES: 'r1:7000,r2:7001' });
    expect(redis.topology).toEqual({ mode: 'cluster', nodes: [{ host: 'r1', port: 7000 }, { host: 'r2', port: 7001 }] });
    expect(redis.keyPrefix).toBe('{agent-bridge}');
    expect(loadConfig({ ...creds, REDIS_CLUSTER_NODES: 'r1:7000', REDIS_KEY_PREFIX: 'prod:{ab}' }).redis.keyPrefix).toBe('prod:{ab}');
  });

  it.each([
    [{ REDIS_SENTINELS: 'sentinel-1', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINELS must be a comma-separated list'],
    [{ REDIS_SENTINELS: 'a:0', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINELS'],
    [{ REDIS_SENTINELS: 'a:26379' }, 'REDIS_SENTINEL_NAME is required'],
    [{ REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINEL_NAME is only used with REDIS_SENTINELS'],
    [{ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm', REDIS_CLUSTER_NODES: 'b:2' }, 'cannot both be set'],
    [{ REDIS_CLUSTER_NODES: 'r1:7000', REDIS_KEY_PREFIX: 'agent-bridge' }, 'REDIS_KEY_PREFIX must hold a hash tag'],
    [{ REDIS_CLUSTER_NODES: 'r1:7000', REDIS_URL: 'redis://x/3' }, 'REDIS_URL cannot name a database'],
    [{ REDIS_CLUSTER_NODES: 'r1:7000', REDIS_WAIT_REPLICAS: '1' }, 'REDIS_WAIT_REPLICAS is not supported'],
    [{ REDIS_WAIT_REPLICAS: '-1' }, 'REDIS_WAIT_REPLICAS'],
    [{ REDIS_WAIT_TIMEOUT_MS: '0' }, 'REDIS_WAIT_TIMEOUT_MS'],
  ])('names the setting when %j is wrong', (env, message) => {
    const found = problems(env);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(message);
  });

  it('never prints the sentinel password', () => {
    expect(problems({ REDIS_SENTINELS: 'bad', REDIS_SENTINEL_NAME: 'm', REDIS_SENTINEL_PASSWORD: 'hunter2' }).join('\n')).not.toContain('hunter2');
  });
});
