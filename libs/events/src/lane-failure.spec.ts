import { classifyLaneFailure, nextRetryDelay } from './lane-failure';

const pgError = (code: string) => Object.assign(new Error('query failed'), { name: 'QueryFailedError', driverError: { code }, code });

describe('classifyLaneFailure', () => {
  it('gives up at once what no retry changes', () => {
    for (const code of ['22021', '22P05', '22P02', '22001', '54000', '23502']) expect(classifyLaneFailure(pgError(code))).toEqual({ kind: 'refused', code });
    expect(classifyLaneFailure(Object.assign(new Error('rejected'), { retryable: false, code: 'PLATFORM_REJECTED' }))).toEqual({ kind: 'refused', code: 'PLATFORM_REJECTED' });
    expect(classifyLaneFailure(new SyntaxError('Unexpected token'))).toEqual({ kind: 'refused', code: 'SyntaxError' });
    expect(classifyLaneFailure(new RangeError('Maximum call stack size exceeded'))).toEqual({ kind: 'refused', code: 'RangeError' });
  });

  it('holds the item while a dependency is down', () => {
    for (const code of ['08006', '57P01', '53300', '40001', '40P01']) expect(classifyLaneFailure(pgError(code)).kind).toBe('outage');
    expect(classifyLaneFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toEqual({ kind: 'outage', code: 'ECONNREFUSED' });
    expect(classifyLaneFailure(new Error('Connection terminated unexpectedly')).kind).toBe('outage');
    expect(classifyLaneFailure(new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }))).toEqual({ kind: 'outage', code: 'ECONNREFUSED' });
    expect(classifyLaneFailure(Object.assign(new Error('answered 503'), { retryable: true, code: 'PLATFORM_UNAVAILABLE' })).kind).toBe('outage');
  });

  it('retries anything else a few times', () => {
    expect(classifyLaneFailure(new Error('something odd'))).toEqual({ kind: 'failed', code: 'Error' });
    expect(classifyLaneFailure(pgError('23505'))).toEqual({ kind: 'failed', code: '23505' });
    expect(classifyLaneFailure('a string')).toEqual({ kind: 'failed', code: 'unknown' });
  });
});

describe('nextRetryDelay', () => {
  it('dead-letters a refusal at once, a failure after 4 attempts (250, 500, 1000 ms apart), an outage after 5 minutes', () => {
    expect(nextRetryDelay({ kind: 'refused', code: 'x' }, 1, 0)).toBeNull();
    expect([1, 2, 3, 4].map((n) => nextRetryDelay({ kind: 'failed', code: 'x' }, n, 0))).toEqual([250, 500, 1000, null]);
    expect([1, 2, 3, 4, 5, 6].map((n) => nextRetryDelay({ kind: 'outage', code: 'x' }, n, 1000))).toEqual([250, 500, 1000, 2000, 4000, 5000]);
    expect(nextRetryDelay({ kind: 'outage', code: 'x' }, 40, 5 * 60_000)).toBeNull();
  });
});
