import { RetryPolicy, type RetryOptions } from './retry-policy';

class Flaky extends Error {
  constructor(readonly retryable: boolean, readonly retryAfter?: number) {
    super(retryable ? 'try again' : 'refused');
  }
}

const fast: RetryOptions = {
  attempts: 4,
  firstDelayMs: 1,
  maxDelayMs: 10,
  retryable: (error) => error instanceof Flaky && error.retryable,
  retryAfterMs: (error) => (error instanceof Flaky ? error.retryAfter : undefined),
};

/** A function that fails with each of `failures` in turn, then answers 'ok'; it records each context. */
function failing(...failures: Error[]) {
  const seen: number[] = [];
  const fn = async ({ attempt }: { attempt: number }) => {
    seen.push(attempt);
    const failure = failures[attempt];
    if (failure) throw failure;
    return 'ok';
  };
  return { fn, seen };
}

describe('RetryPolicy', () => {
  afterEach(() => jest.restoreAllMocks());

  describe('delayMs', () => {
    const botkit = new RetryPolicy({ ...fast, firstDelayMs: 100, maxDelayMs: 5000, jitterRatio: 1 });
    const livechat = new RetryPolicy({ ...fast, firstDelayMs: 150, maxDelayMs: 2000, jitterMs: 100 });

    it('doubles from the first delay, with no jitter at the bottom of the random range', () => {
      jest.spyOn(Math, 'random').mockReturnValue(0);
      expect([1, 2, 3].map((r) => botkit.delayMs(r, new Flaky(true)))).toEqual([100, 200, 400]);
      expect([1, 2, 3].map((r) => livechat.delayMs(r, new Flaky(true)))).toEqual([150, 300, 600]);
    });

    it('adds jitter as a share of the delay or as fixed milliseconds', () => {
      jest.spyOn(Math, 'random').mockReturnValue(0.999);
      expect([1, 2, 3].map((r) => botkit.delayMs(r, new Flaky(true)))).toEqual([199, 399, 799]);
      expect([1, 2, 3].map((r) => livechat.delayMs(r, new Flaky(true)))).toEqual([249, 399, 699]);
    });

    it('never waits longer than maxDelayMs', () => {
      jest.spyOn(Math, 'random').mockReturnValue(0.999);
      expect(botkit.delayMs(6, new Flaky(true))).toBe(5000);
      expect(livechat.delayMs(5, new Flaky(true))).toBe(2000);
    });

    it('takes the wait a failure asks for instead of the backoff', () => {
      expect(livechat.delayMs(3, new Flaky(true, 0))).toBe(0);
      expect(livechat.delayMs(1, new Flaky(true, 1500))).toBe(1500);
    });
  });

  describe('execute', () => {
    it('calls once and computes no delay when the first attempt succeeds', async () => {
      const policy = new RetryPolicy(fast);
      const delays = jest.spyOn(policy, 'delayMs');
      const { fn, seen } = failing();
      await expect(policy.execute(fn)).resolves.toBe('ok');
      expect(seen).toEqual([0]);
      expect(delays).not.toHaveBeenCalled();
    });

    it('retries retryable failures until one succeeds, backing off before each retry', async () => {
      const policy = new RetryPolicy(fast);
      const delays = jest.spyOn(policy, 'delayMs');
      const { fn, seen } = failing(new Flaky(true), new Flaky(true));
      await expect(policy.execute(fn)).resolves.toBe('ok');
      expect(seen).toEqual([0, 1, 2]);
      expect(delays.mock.calls.map(([retry]) => retry)).toEqual([1, 2]);
    });

    it('gives up after `attempts` in all and throws the last failure', async () => {
      const policy = new RetryPolicy(fast);
      const last = new Flaky(true);
      const { fn, seen } = failing(new Flaky(true), new Flaky(true), new Flaky(true), last);
      await expect(policy.execute(fn)).rejects.toBe(last);
      expect(seen).toEqual([0, 1, 2, 3]);
    });

    it('lets one call ask for fewer attempts than the policy default', async () => {
      const policy = new RetryPolicy(fast);
      const { fn, seen } = failing(new Flaky(true), new Flaky(true));
      await expect(policy.execute(fn, 2)).rejects.toBeInstanceOf(Flaky);
      expect(seen).toEqual([0, 1]);
      const once = failing(new Flaky(true));
      await expect(policy.execute(once.fn, 1)).rejects.toBeInstanceOf(Flaky);
      expect(once.seen).toEqual([0]);
    });

    it('throws a failure that is not retryable at once, on the first try or a later one', async () => {
      const policy = new RetryPolicy(fast);
      const refused = new Flaky(false);
      const first = failing(refused);
      await expect(policy.execute(first.fn)).rejects.toBe(refused);
      expect(first.seen).toEqual([0]);
      const later = failing(new Flaky(true), refused);
      await expect(policy.execute(later.fn)).rejects.toBe(refused);
      expect(later.seen).toEqual([0, 1]);
    });

    it('does not retry a failure that asks to wait longer than maxDelayMs', async () => {
      const policy = new RetryPolicy(fast);
      const slowDown = new Flaky(true, 60_000);
      const { fn, seen } = failing(slowDown);
      await expect(policy.execute(fn)).rejects.toBe(slowDown);
      expect(seen).toEqual([0]);
    });

    it('retries at once when the failure asks for no wait', async () => {
      const policy = new RetryPolicy({ ...fast, firstDelayMs: 60_000, maxDelayMs: 60_000 });
      const delays = jest.spyOn(policy, 'delayMs');
      const { fn, seen } = failing(new Flaky(true, 0));
      await expect(policy.execute(fn)).resolves.toBe('ok');
      expect(seen).toEqual([0, 1]);
      expect(delays).toHaveReturnedWith(0);
    });
  });
});
