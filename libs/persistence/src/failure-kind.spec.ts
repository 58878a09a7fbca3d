import { classifyFailure } from './failure-kind';

const pgError = (code: string) => Object.assign(new Error('query failed'), { name: 'QueryFailedError', driverError: { code }, code });

describe('classifyFailure', () => {
  it('gives up at once what no retry changes', () => {
    for (const code of ['22021', '22P05', '22P02', '22001', '54000', '23502']) expect(classifyFailure(pgError(code))).toEqual({ kind: 'refused', code });
    expect(classifyFailure(Object.assign(new Error('rejected'), { retryable: false, code: 'PLATFORM_REJECTED' }))).toEqual({ kind: 'refused', code: 'PLATFORM_REJECTED' });
    expect(classifyFailure(new SyntaxError('Unexpected token'))).toEqual({ kind: 'refused', code: 'SyntaxError' });
    expect(classifyFailure(new RangeError('Maximum call stack size exceeded'))).toEqual({ kind: 'refused', code: 'RangeError' });
  });

  it('holds the item while a dependency is down', () => {
    for (const code of ['08006', '57P01', '53300', '40001', '40P01']) expect(classifyFailure(pgError(code)).kind).toBe('outage');
    expect(classifyFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toEqual({ kind: 'outage', code: 'ECONNREFUSED' });
    expect(classifyFailure(new Error('Connection terminated unexpectedly')).kind).toBe('outage');
    expect(classifyFailure(new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }))).toEqual({ kind: 'outage', code: 'ECONNREFUSED' });
    expect(classifyFailure(Object.assign(new Error('answered 503'), { retryable: true, code: 'PLATFORM_UNAVAILABLE' })).kind).toBe('outage');
  });

  it('retries anything else a few times', () => {
    expect(classifyFailure(new Error('something odd'))).toEqual({ kind: 'failed', code: 'Error' });
    expect(classifyFailure(pgError('23505'))).toEqual({ kind: 'failed', code: '23505' });
    expect(classifyFailure('a string')).toEqual({ kind: 'failed', code: 'unknown' });
  });
});

describe('classifyFailure through wrappers', () => {
  it('finds a lost connection inside TypeORM, fetch and AggregateError wrappers, and by client class', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' });
    expect(classifyFailure(new AggregateError([refused], 'all attempts failed')).kind).toBe('outage');
    expect(classifyFailure(Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' }))).toEqual({ kind: 'outage', code: 'MaxRetriesPerRequestError' });
    expect(classifyFailure(Object.assign(new Error('query failed'), { driverError: new Error('Connection terminated unexpectedly') })).kind).toBe('outage');
  });
});
