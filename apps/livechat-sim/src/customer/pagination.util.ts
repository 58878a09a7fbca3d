import { validation } from '../common/api-error';
import { isPlainObject } from '../common/http-io.util';

export interface PageSpec {
  offset: number;
  sort: 'asc' | 'desc';
  limit?: number;
  /** `list_threads` only: return as many threads as it takes to reach this many events. */
  minEvents?: number;
}

export interface PagingRules {
  defaultLimit: number;
  maxLimit: number;
  allowMinEvents: boolean;
}

/** A `page_id` cannot be combined with the other fields (LiveChat's docs), nor `limit` with `min_events_count`. */
export function readPaging(body: Record<string, unknown>, rules: PagingRules): PageSpec {
  const hasLimit = body.limit !== undefined;
  const hasMin = body.min_events_count !== undefined;
  if (body.page_id !== undefined) {
    if (hasLimit || hasMin || body.sort_order !== undefined || body.filters !== undefined) {
      throw validation('`page_id` cannot be combined with `limit`, `sort_order`, `min_events_count` or `filters`');
    }
    return decodePage(body.page_id);
  }
  const sort = body.sort_order ?? 'desc';
  if (sort !== 'asc' && sort !== 'desc') throw validation('`sort_order` must be one of asc, desc');
  if (hasMin) {
    if (!rules.allowMinEvents) throw validation('`min_events_count` is not supported');
    if (hasLimit) throw validation('`limit` and `min_events_count` cannot be used together');
    return { offset: 0, sort, minEvents: intIn(body.min_events_count, 'min_events_count', 1, 100) };
  }
  const limit = hasLimit ? intIn(body.limit, 'limit', 1, rules.maxLimit) : rules.defaultLimit;
  return { offset: 0, sort, limit };
}

export function encodePage(spec: PageSpec): string {
  return Buffer.from(JSON.stringify(spec)).toString('base64url');
}

/** Applies a page to an oldest-first list; returns the slice and the neighbouring page ids. */
export function paginate<T>(items: T[], spec: PageSpec, eventCount?: (item: T) => number): { page: T[]; next?: string; previous?: string } {
  const ordered = spec.sort === 'desc' ? [...items].reverse() : items;
  let end = spec.offset;
  if (spec.minEvents !== undefined && eventCount) {
    let events = 0;
    while (end < ordered.length && events < spec.minEvents) events += eventCount(ordered[end++]!);
  } else end = Math.min(ordered.length, spec.offset + (spec.limit ?? ordered.length));
  const page = ordered.slice(spec.offset, end);
  const size = Math.max(1, end - spec.offset);
  const result: { page: T[]; next?: string; previous?: string } = { page };
  if (end < ordered.length) result.next = encodePage({ ...spec, offset: end });
  if (spec.offset > 0) result.previous = encodePage({ ...spec, offset: Math.max(0, spec.offset - size) });
  return result;
}

function decodePage(raw: unknown): PageSpec {
  if (typeof raw !== 'string') throw validation('`page_id` must be a string');
  try {
    const spec: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (isPlainObject(spec) && Number.isInteger(spec.offset) && (spec.sort === 'asc' || spec.sort === 'desc')) return spec as unknown as PageSpec;
  } catch {
    // fall through to the validation error
  }
  throw validation('`page_id` is invalid');
}

function intIn(value: unknown, key: string, min: number, max: number): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw validation(`\`${key}\` must be an integer from ${min} to ${max}`);
  }
  return value as number;
}
