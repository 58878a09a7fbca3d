import { isPlainObject } from '../http/json-io.helper';

/**
 * Merges `patch` into a copy of `base`: objects recursively, anything else replaced. A key whose
 * patch value is `undefined` is removed, which is how a test builds a body missing a field.
 */
export function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) out[key] = deepMerge(out[key] as Record<string, unknown>, value);
    else out[key] = value;
  }
  return out;
}
