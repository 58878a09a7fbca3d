import type { ContextField } from '@agent-bridge/config';

const MAX_VALUE = 500;

export interface ContextFieldView {
  label: string;
  path: string;
  /** Null when the context has nothing there. */
  value: string | null;
}

/**
 * Only the configured paths leave the server: a Kore context can hold 1 MB of what the bot
 * collected, most of it nothing the agent needs. Own properties only, so a path cannot reach
 * an object's prototype.
 */
export function readContextFields(context: unknown, fields: ContextField[]): ContextFieldView[] {
  return fields.map(({ label, path }) => {
    let value: unknown = context;
    for (const key of path.split('.')) {
      value = value !== null && typeof value === 'object' && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
      if (value === undefined) break;
    }
    return { label, path, value: show(value) };
  });
}

function show(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
}
