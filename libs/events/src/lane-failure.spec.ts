import { nextRetryDelay } from './lane-failure';

describe('nextRetryDelay', () => {
  it('dead-letters a refusal at once, a failure after 4 attempts (250, 500, 1000 ms apart), an outage after 5 minutes', () => {
    expect(nextRetryDelay({ kind: 'refused', code: 'x' }, 1, 0)).toBeNull();
    expect([1, 2, 3, 4].map((n) => nextRetryDelay({ kind: 'failed', code: 'x' }, n, 0))).toEqual([250, 500, 1000, null]);
    expect([1, 2, 3, 4, 5, 6].map((n) => nextRetryDelay({ kind: 'outage', code: 'x' }, n, 1000))).toEqual([250, 500, 1000, 2000, 4000, 5000]);
    expect(nextRetryDelay({ kind: 'outage', code: 'x' }, 40, 5 * 60_000)).toBeNull();
  });
});
