import { ApiError } from '../common/api-error';
import { isPlainObject, parseJson } from '../common/http-io.util';

export type ControlBody = Record<string, unknown>;

export function parseControlBody(text: string): ControlBody {
  if (text.trim() === '') return {};
  const parsed = parseJson(text);
  if (!parsed.ok || !isPlainObject(parsed.value)) throw new ApiError(400, { error: 'control body must be a JSON object' });
  return parsed.value;
}

export function requiredText(body: ControlBody, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') throw new ApiError(422, { error: `\`${key}\` is required` });
  return value;
}

/** A number when given, undefined when absent, `null` when explicitly null. */
export function optionalNumber(body: ControlBody, key: string): number | null | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ApiError(422, { error: `\`${key}\` must be a number` });
  return value;
}

export const count = (body: ControlBody, key: string, fallback: number): number => optionalNumber(body, key) ?? fallback;
