/**
 * Text Postgres cannot store as it is: NUL (refused in text and jsonb) and lone UTF-16 surrogates
 * (not Unicode scalar values; the driver would turn them into U+FFFD silently, after the ack).
 * The edge normalises them before acknowledging: NUL removed, a lone surrogate replaced by U+FFFD.
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

/**
 * Normalises every string of a parsed JSON value, keys included, in place where it can; returns
 * the value and whether anything changed. Iterative: the value may be deep (the parser bounds it).
 */
export function normalizeJsonValue(value: unknown): { value: unknown; changed: boolean } {
  if (typeof value === 'string') {
    const text = normalizeText(value);
    return { value: text, changed: text !== value };
  }
  let changed = false;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        if (typeof item === 'string') {
          const text = normalizeText(item);
          if (text !== item) ((node[i] = text), (changed = true));
        } else if (item && typeof item === 'object') stack.push(item);
      }
    } else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const item = record[key];
        const fixedKey = normalizeText(key);
        let fixed = item;
        if (typeof item === 'string') fixed = normalizeText(item);
        else if (item && typeof item === 'object') stack.push(item);
        if (fixedKey !== key) {
          delete record[key];
          changed = true;
        }
        if (fixedKey !== key || fixed !== item) {
          record[fixedKey] = fixed;
          changed = true;
        }
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

/**
 * The deepest nesting of a raw JSON text, or `limit + 1` as soon as it passes `limit`: one pass
 * over the characters, strings skipped (a bracket inside a string does not nest).
 */
export function jsonDepthExceeds(raw: string, limit: number): boolean {
  // Fewer brackets than the limit cannot nest past it: most bodies stop here, at native speed.
  let brackets = 0;
  for (let at = raw.indexOf('{'); at !== -1 && brackets <= limit; at = raw.indexOf('{', at + 1)) brackets++;
  for (let at = raw.indexOf('['); at !== -1 && brackets <= limit; at = raw.indexOf('[', at + 1)) brackets++;
  if (brackets <= limit) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * Marks a request whose body the edge normalised, for the routes where normalising would be
 * wrong (credentials): they refuse such a request instead of acting on changed text.
 */
const NORMALIZED_INPUT = Symbol('agentBridge.normalizedInput');

export function markInputNormalized(request: object): void {
  (request as Record<symbol, boolean>)[NORMALIZED_INPUT] = true;
}

export function inputWasNormalized(request: object): boolean {
  return (request as Record<symbol, boolean>)[NORMALIZED_INPUT] === true;
}
