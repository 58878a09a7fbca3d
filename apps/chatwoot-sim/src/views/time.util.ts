/** Chatwoot's serialisations of times: `.to_i` (seconds), `.to_f`, and Rails' ISO 8601 with milliseconds. */
export const seconds = (d: Date | null | undefined): number => (d ? Math.floor(d.getTime() / 1000) : 0);
export const secondsFloat = (d: Date): number => d.getTime() / 1000;
export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
