import { outageBackoff } from './queue.constants';

describe('outageBackoff', () => {
  it('doubles from the delay up to 5 s for 24 attempts, then waits 30 s', () => {
    const backoff = { type: 'outage', delay: 1000 };
    expect([1, 2, 3, 4, 5, 24].map((n) => outageBackoff(n, backoff))).toEqual([1000, 2000, 4000, 5000, 5000, 5000]);
    expect(outageBackoff(25, backoff)).toBe(30_000);
  });
});
