import { invalidEnum, unprocessable } from '../common/api-error';
import { isPlainObject } from '../common/http-io.util';
import { present, toId } from '../common/params.util';
import type { Attributes } from '../state/sim.types';

/** Field readers shared by the body validators: each returns the cast value or throws the 422 Chatwoot would. */
export type Body = Record<string, unknown>;

export function optionalString(body: Body, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw unprocessable(`${key} must be a string`);
}

/** An id that, when present, must look like one; `null` and `""` count as absent, as Rails' `blank?`. */
export function optionalId(body: Body, key: string): number | undefined {
  if (!present(body[key])) return undefined;
  const id = toId(body[key]);
  if (id === undefined) throw unprocessable(`${key} must be an integer`);
  return id;
}

export function attributes(body: Body, key: string): Attributes {
  const value = body[key];
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw unprocessable(`${key} must be an object`);
  return value;
}

export function oneOf<T extends string>(body: Body, key: string, allowed: readonly T[], attribute = key): T | undefined {
  const value = body[key];
  if (!present(value)) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw invalidEnum(value, attribute);
  return value as T;
}

export function optionalDate(body: Body, key: string): Date | undefined {
  const value = body[key];
  if (!present(value)) return undefined;
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw unprocessable(`${key} is not a valid time`);
  return date;
}
