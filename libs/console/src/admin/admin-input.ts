import { HttpException } from '@nestjs/common';
import { normalizedPaths } from '@agent-bridge/botkit';

const bad = (msg: string): HttpException => new HttpException(msg, 400);
// Control characters have no place in a name, title or label shown in one line.
const CONTROL = /\p{Cc}/u;

/**
 * Reads one JSON body field by field; anything off is a 400 in the documented error shape, and a
 * field the route does not know is refused rather than ignored.
 */
export class AdminInput {
  private readonly body: Record<string, unknown>;

  constructor(body: unknown, allowed: readonly string[]) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('The body must be a JSON object');
    this.body = body as Record<string, unknown>;
    const unknown = Object.keys(this.body).find((key) => !allowed.includes(key));
    if (unknown !== undefined) throw bad(`Unknown field "${unknown.slice(0, 40)}"`);
  }

  has(name: string): boolean {
    return this.body[name] !== undefined;
  }

  /** Trimmed. `line`: one line, no control characters. */
  text(name: string, max: number, { line = true } = {}): string {
    const value = this.body[name];
    if (typeof value !== 'string' || value.trim() === '') throw bad(`"${name}" is required`);
    const text = value.trim();
    if (text.length > max) throw bad(`"${name}" is longer than ${max} characters`);
    if (line && CONTROL.test(text)) throw bad(`"${name}" must be one line of text`);
    return text;
  }

  optionalText(name: string, max: number, options?: { line?: boolean }): string | undefined {
    return this.has(name) ? this.text(name, max, options) : undefined;
  }

  matching(name: string, pattern: RegExp, what: string): string {
    const value = this.body[name];
    if (typeof value !== 'string' || !pattern.test(value)) throw bad(`"${name}" must be ${what}`);
    return value;
  }

  integer(name: string, min: number, max: number): number {
    const value = this.body[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw bad(`"${name}" must be a whole number from ${min} to ${max}`);
    return value;
  }

  boolean(name: string): boolean {
    const value = this.body[name];
    if (typeof value !== 'boolean') throw bad(`"${name}" must be true or false`);
    return value;
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T {
    const value = this.body[name];
    if (typeof value !== 'string' || !values.includes(value as T)) throw bad(`"${name}" must be one of ${values.join(', ')}`);
    return value as T;
  }

  /** A list of distinct ids (uuid), at most `max`. */
  uuids(name: string, max: number): string[] {
    const value = this.body[name];
    if (!Array.isArray(value) || value.length > max || !value.every((v) => typeof v === 'string' && UUID.test(v))) {
      throw bad(`"${name}" must be a list of at most ${max} ids`);
    }
    return [...new Set((value as string[]).map((v) => v.toLowerCase()))];
  }

  /** A uuid, or null when the body says null. */
  uuidOrNull(name: string): string | null {
    const value = this.body[name];
    if (value === null) return null;
    if (typeof value !== 'string' || !UUID.test(value)) throw bad(`"${name}" must be an id or null`);
    return value.toLowerCase();
  }

  raw(name: string): unknown {
    return this.body[name];
  }

  /** As typed: never trimmed, and refused (not stored altered) when the body parser had to normalise it. */
  password(name: string, request: object): string {
    const value = this.body[name];
    if (typeof value !== 'string' || value.length < PASSWORD_MIN || value.length > PASSWORD_MAX) {
      throw bad(`"${name}" must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`);
    }
    if (normalizedPaths(request).includes(name)) throw bad(`"${name}" must not hold NUL characters or unpaired surrogates`);
    return value;
  }
}

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 1024;

export const notFound = (what: string): HttpException => new HttpException(`No such ${what}`, 404);
export const conflict = (msg: string): HttpException => new HttpException(msg, 409);

/** Route ids: anything not shaped like one names nothing (and Postgres would refuse it). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function serialId(raw: string, what: string): number {
  if (!/^[1-9]\d{0,8}$/.test(raw)) throw notFound(what);
  return Number(raw);
}
