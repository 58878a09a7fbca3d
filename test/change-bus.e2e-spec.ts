import Redis from 'ioredis';
import type { AppConfig } from '@agent-bridge/config';
import { ChangeBus } from '@agent-bridge/events';
import { RedisKeys } from '@agent-bridge/persistence';
import { createTestEnvironment, waitFor, type TestEnvironment } from '@agent-bridge/testing';

/** The settings channel against the real Redis: the changing instance first, then every other one. */
describe('change bus', () => {
  let env: TestEnvironment;
  let redis: Redis;
  let keys: RedisKeys;
  const buses: ChangeBus[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment('change_bus');
    redis = new Redis(env.redisUrl);
    keys = new RedisKeys({ redis: { url: env.redisUrl, keyPrefix: env.keyPrefix } } as AppConfig);
  });

  afterAll(async () => {
    for (const bus of buses) await bus.onModuleDestroy();
    redis?.disconnect();
    await env?.destroy();
  });

  function bus(): ChangeBus {
    const created = new ChangeBus(redis, keys);
    buses.push(created);
    return created;
  }

  it("the instance that made a change has heard it when changed() returns, not when Redis echoes it", async () => {
    // Never subscribed: only the local path can call the listener (an admin's save returned before
    // the echo, and the next hand-off on that instance routed by the old teams).
    const self = bus();
    let heard = 0;
    self.onChange('teams', () => heard++);
    await self.changed('teams');
    expect(heard).toBe(1);
  });

  it('every other instance hears it through Redis, by topic', async () => {
    const [changer, other] = [bus(), bus()];
    await other.onModuleInit();
    const heard: string[] = [];
    other.onChange('teams', () => heard.push('teams'));
    other.onChange('texts', () => heard.push('texts'));
    await changer.changed('texts');
    await waitFor('the other instance hears the change', () => heard.length > 0 || undefined);
    expect(heard).toEqual(['texts']);
  });
});
