import { JwtError, signJwt, verifyJwt } from './jwt';

describe('jwt', () => {
  const now = 1_700_000_000;

  it('matches a token produced by another HS256 implementation (openssl vector)', () => {
    // Header {"alg":"HS256","typ":"JWT"}, claims {"appId":"cs-1","exp":1700000060}, secret "s3cret",
    // signature computed independently with `openssl dgst -sha256 -hmac s3cret -binary | base64url`.
    const token = signJwt({ appId: 'cs-1', exp: 1700000060 }, 's3cret', 'HS256');
    expect(token).toBe(
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhcHBJZCI6ImNzLTEiLCJleHAiOjE3MDAwMDAwNjB9.' +
        '5PuhI3PiI_7CyDTqy7XJa7De89cQXnsWsIdML6zQZpQ',
    );
    expect(verifyJwt(token, 's3cret', { algorithm: 'HS256', now })).toEqual({ appId: 'cs-1', exp: 1700000060 });
  });

  it('round-trips HS512', () => {
    const token = signJwt({ appId: 'x', exp: now + 60 }, 'k', 'HS512');
    expect(verifyJwt(token, 'k', { algorithm: 'HS512', now }).appId).toBe('x');
  });

  const reasons: Array<[string, () => unknown, string]> = [
    ['wrong secret', () => verifyJwt(signJwt({ exp: now + 60 }, 'a'), 'b', { algorithm: 'HS256', now }), 'signature'],
    ['alg mismatch', () => verifyJwt(signJwt({ exp: now + 60 }, 'a', 'HS512'), 'a', { algorithm: 'HS256', now }), 'algorithm'],
    ['expired', () => verifyJwt(signJwt({ exp: now - 31 }, 'a'), 'a', { algorithm: 'HS256', now }), 'expired'],
    ['no exp', () => verifyJwt(signJwt({ appId: 'x' }, 'a'), 'a', { algorithm: 'HS256', now }), 'no-expiry'],
    ['nbf in future', () => verifyJwt(signJwt({ exp: now + 600, nbf: now + 300 }, 'a'), 'a', { algorithm: 'HS256', now }), 'not-yet-valid'],
    ['garbage', () => verifyJwt('not.a.jwt', 'a', { algorithm: 'HS256', now }), 'malformed'],
    ['two parts', () => verifyJwt('abc.def', 'a', { algorithm: 'HS256', now }), 'malformed'],
    ['array claims', () => verifyJwt(signJwt([] as never, 'a'), 'a', { algorithm: 'HS256', now }), 'malformed'],
  ];
  it.each(reasons)('rejects %s', (_name, run, reason) => {
    expect(run).toThrow(JwtError);
    try {
      run();
    } catch (error) {
      expect((error as JwtError).reason).toBe(reason);
    }
  });

  it('accepts a token within the clock-skew leeway and without exp when allowed', () => {
    expect(() => verifyJwt(signJwt({ exp: now - 10 }, 'a'), 'a', { algorithm: 'HS256', now })).not.toThrow();
    expect(() => verifyJwt(signJwt({}, 'a'), 'a', { algorithm: 'HS256', now, requireExpiry: false })).not.toThrow();
  });
});
