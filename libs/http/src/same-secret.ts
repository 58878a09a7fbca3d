import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant time whatever either length: both are hashed, so timingSafeEqual compares equal lengths. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
