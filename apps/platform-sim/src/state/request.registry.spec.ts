import { RequestRegistry } from './request.registry';

describe('RequestRegistry', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  const issue = (registry: RequestRegistry, requestId: string, botId = 'st-a') =>
    registry.issue({ requestId, botId, userId: 'u', event: 'on_user_message' });

  it('finds a request only for its bot and only inside its window', () => {
    const registry = new RequestRegistry(900_000);
    issue(registry, 'ms-1');
    expect(registry.find('st-a', 'ms-1')?.userId).toBe('u');
    expect(registry.find('st-b', 'ms-1')).toBeUndefined();
    jest.advanceTimersByTime(899_999);
    expect(registry.find('st-a', 'ms-1')).toBeDefined();
    jest.advanceTimersByTime(1);
    expect(registry.find('st-a', 'ms-1')).toBeUndefined();
    registry.close();
  });

  it('extend opens a fresh full window from now', () => {
    const registry = new RequestRegistry(60_000);
    const request = issue(registry, 'ms-2');
    jest.advanceTimersByTime(50_000);
    registry.extend(request);
    jest.advanceTimersByTime(59_000);
    expect(registry.find('st-a', 'ms-2')).toBeDefined();
    jest.advanceTimersByTime(1_000);
    expect(registry.find('st-a', 'ms-2')).toBeUndefined();
    registry.close();
  });

  it('issues ids shaped like the platform’s, never the same twice', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => RequestRegistry.newId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^ms-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
