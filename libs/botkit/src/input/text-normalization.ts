/**
 * Postgres refuses NUL, and the driver turns a lone surrogate into U+FFFD silently, after the ack:
 * the edge normalises both before acknowledging.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

export function hasUnstorableText(text: string): boolean {
  return UNSTORABLE.test(text);
}

/** NUL removed, lone surrogates replaced by U+FFFD; the same string when there is nothing to do. */
export function normalizeText(text: string): string {
  if (!UNSTORABLE.test(text)) return text;
  return text.replace(UNSTORABLE_ALL, (found) => (found === '\u0000' ? '' : '\ufffd'));
}

const MAX_PATHS = 1000;
/** The last path recorded when more changed than MAX_PATHS: which ones is not known. */
export const MORE_PATHS = '*';

/** Keys included, in place where it can. Iterative: the value may be deep. */
export function normalizeJsonValue(value: unknown): { value: unknown; changed: string[] } {
  if (typeof value === 'string') {
    const text = normalizeText(value);
    return { value: text, changed: text !== value ? [''] : [] };
  }
  const changed: string[] = [];
  const note = (path: string): void => {
    if (changed.length < MAX_PATHS) changed.push(path);
    else if (changed.length === MAX_PATHS) changed.push(MORE_PATHS);
  };
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    const prefix = path ? `${path}.` : '';
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        if (typeof item === 'string') {
          const text = normalizeText(item);
          if (text !== item) ((node[i] = text), note(`${prefix}${i}`));
        } else if (item && typeof item === 'object') stack.push([item, `${prefix}${i}`]);
      }
    } else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const item = record[key];
        const fixedKey = normalizeText(key);
        const fixed = typeof item === 'string' ? normalizeText(item) : item;
        if (item && typeof item === 'object') stack.push([item, `${prefix}${fixedKey}`]);
        if (fixedKey !== key) delete record[key];
        if (fixedKey !== key || fixed !== item) ((record[fixedKey] = fixed), note(`${prefix}${fixedKey}`));
      }
    }
  }
  return { value, changed };
}

/** True when a raw JSON text may hold what normalizeText changes: a NUL or a surrogate escape. */
export function mayHoldUnstorableJson(raw: string): boolean {
  if (raw.indexOf('\u0000') !== -1) return true;
  let at = raw.indexOf('\\u');
  while (at !== -1) {
    const hex = raw.slice(at + 2, at + 6).toLowerCase();
    if (hex === '0000' || (hex[0] === 'd' && hex[1]! >= '8' && hex[1]! <= 'f')) return true;
    at = raw.indexOf('\\u', at + 2);
  }
  return false;
}

/** One pass over the characters; a bracket inside a string does not nest. */
export function jsonDepthExceeds(raw: string, limit: number): boolean {
  // Fewer brackets than the limit cannot nest past it: most bodies stop here, at native speed.
  let brackets = 0;
  for (let at = raw.indexOf('{'); at !== -1 && brackets <= limit; at = raw.indexOf('{', at + 1)) brackets++;
  for (let at = raw.indexOf('['); at !== -1 && brackets <= limit; at = raw.indexOf('[', at + 1)) brackets++;
  if (brackets <= limit) return false;
  // Jump from string to string at native speed; only the text between strings is walked.
  let depth = 0;
  for (let pos = 0; pos < raw.length; ) {
    const quote = raw.indexOf('"', pos);
    const stop = quote === -1 ? raw.length : quote;
    for (let i = pos; i < stop; i++) {
      const c = raw.charCodeAt(i);
      if (c === 0x7b || c === 0x5b) {
        if (++depth > limit) return true;
      } else if (c === 0x7d || c === 0x5d) depth--;
    }
    if (quote === -1) return false;
    const end = closingQuote(raw, quote);
    if (end === -1) return false;
    pos = end + 1;
  }
  return false;
}

/** Routes where normalising would be wrong (credentials, ids the platform calls back with) refuse instead. */
const NORMALIZED_PATHS = Symbol('agentBridge.normalizedPaths');

export function markInputNormalized(request: object, paths: string[]): void {
  (request as Record<symbol, string[]>)[NORMALIZED_PATHS] = paths;
}

export function normalizedPaths(request: object): readonly string[] {
  return (request as Record<symbol, string[] | undefined>)[NORMALIZED_PATHS] ?? [];
}

/** A quote after an odd run of backslashes is escaped. */
function closingQuote(raw: string, open: number): number {
  let end = raw.indexOf('"', open + 1);
  while (end !== -1) {
    let backslashes = 0;
    for (let j = end - 1; raw.charCodeAt(j) === 0x5c; j--) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = raw.indexOf('"', end + 1);
  }
  return -1;
}
