import { RtmSessionStore } from './rtm-session.store';

describe('RtmSessionStore', () => {
  beforeEach(() => jest.useFakeTimers({ now: 5_000_000 }));
  afterEach(() => jest.useRealTimers());
  const identity = { userId: 'u-1', botId: 'st-a' };

  it('socket keys work once and only for 30 seconds', () => {
    const store = new RtmSessionStore();
    const fresh = store.issueSocketKey(identity);
    expect(store.consumeSocketKey(fresh)).toEqual(identity);
    expect(store.consumeSocketKey(fresh)).toBeUndefined();
    const late = store.issueSocketKey(identity);
    jest.advanceTimersByTime(30_000);
    expect(store.consumeSocketKey(late)).toBeUndefined();
    const justInTime = store.issueSocketKey(identity);
    jest.advanceTimersByTime(29_999);
    expect(store.consumeSocketKey(justInTime)).toEqual(identity);
  });

  it('access tokens name their user until they expire', () => {
    const store = new RtmSessionStore();
    const grant = store.grant(identity);
    expect(grant.expiresAt - grant.issuedAt).toBe(24 * 60 * 60 * 1000);
    expect(store.identityOf(grant.accessToken)).toEqual(identity);
    expect(store.identityOf('other')).toBeUndefined();
    expect(store.identityOf(null)).toBeUndefined();
    jest.advanceTimersByTime(24 * 60 * 60 * 1000);
    expect(store.identityOf(grant.accessToken)).toBeUndefined();
  });
});
