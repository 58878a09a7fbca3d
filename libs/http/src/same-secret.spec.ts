import { sameSecret } from './same-secret';

describe('sameSecret', () => {
  it('accepts the expected secret', () => {
    expect(sameSecret('s3cret-value', 's3cret-value')).toBe(true);
    expect(sameSecret('', '')).toBe(true);
    expect(sameSecret('clé-ü', 'clé-ü')).toBe(true);
  });

  it('refuses a different secret of the same length', () => {
    expect(sameSecret('s3cret-valuf', 's3cret-value')).toBe(false);
  });

  it('refuses secrets of other lengths without throwing', () => {
    expect(sameSecret('s3cret', 's3cret-value')).toBe(false);
    expect(sameSecret('s3cret-value-and-more', 's3cret-value')).toBe(false);
    expect(sameSecret('', 's3cret-value')).toBe(false);
    expect(sameSecret('x'.repeat(10_000), 's3cret-value')).toBe(false);
  });
});
