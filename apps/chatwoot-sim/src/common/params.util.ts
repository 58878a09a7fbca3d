/** Rails reads ids and flags from JSON or strings alike; these do the same casts. */

/** A positive integer, or a string of digits; anything else is undefined. */
export function toId(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** ActiveModel's boolean cast: absent stays undefined; false, "false", "0", "f", "off" are false. */
export function toBool(value: unknown): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  return !['false', '0', 'f', 'off', 'F', 'FALSE', 'OFF'].includes(String(value));
}

export const present = (value: unknown): boolean => value !== undefined && value !== null && value !== '';
