import { DAYS, isTime, isTimeZone, minutesOf, type WeeklyHours } from './business-hours';
import type { ClosedAction } from './after-hours.repository';

export interface HoursChange {
  timeZone: string;
  weeklyHours: WeeklyHours | null;
  holidays: string[];
  closedAction: ClosedAction;
}

const FIELDS = ['timeZone', 'weeklyHours', 'holidays', 'closedAction'];
const MAX_RANGES = 6;
const MAX_HOLIDAYS = 400;

/** Checks an admin's whole change; a string says what is wrong, in words the admin screen shows as they are. */
export function parseHoursChange(body: unknown): HoursChange | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'The body must be a JSON object';
  const input = body as Record<string, unknown>;
  const unknown = Object.keys(input).find((k) => !FIELDS.includes(k));
  if (unknown !== undefined) return `Unknown field "${unknown.slice(0, 40)}"`;
  const missing = FIELDS.find((k) => input[k] === undefined);
  if (missing) return `"${missing}" is required`;
  if (!isTimeZone(input.timeZone)) return '"timeZone" must be a time zone name such as "Europe/Berlin" or "UTC"';
  if (input.closedAction !== 'bot' && input.closedAction !== 'message') return '"closedAction" must be one of bot, message';
  const weekly = parseWeekly(input.weeklyHours);
  if (typeof weekly === 'string') return weekly;
  const holidays = parseHolidays(input.holidays);
  if (typeof holidays === 'string') return holidays;
  return { timeZone: input.timeZone, weeklyHours: weekly, holidays, closedAction: input.closedAction };
}

function parseWeekly(raw: unknown): WeeklyHours | null | string {
  if (raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) return '"weeklyHours" must be null (always open) or a map of days to ranges';
  const weekly: WeeklyHours = {};
  for (const [day, ranges] of Object.entries(raw as Record<string, unknown>)) {
    if (!(DAYS as readonly string[]).includes(day)) return `"weeklyHours" has an unknown day "${day.slice(0, 10)}" (use mon, tue, wed, thu, fri, sat, sun)`;
    if (!Array.isArray(ranges) || ranges.length > MAX_RANGES) return `"weeklyHours.${day}" must be a list of at most ${MAX_RANGES} ranges`;
    const parsed: Array<[string, string]> = [];
    for (const range of ranges) {
      if (!Array.isArray(range) || range.length !== 2 || !isTime(range[0]) || !isTime(range[1]) || range[0] === '24:00') {
        return `"weeklyHours.${day}" ranges must be ["HH:MM", "HH:MM"] from 00:00 to 24:00`;
      }
      if (range[0] === range[1]) return `"weeklyHours.${day}" has a range that starts and ends at ${range[0]} (for all day use 00:00 to 24:00)`;
      parsed.push([range[0], range[1]]);
    }
    parsed.sort((a, b) => minutesOf(a[0]) - minutesOf(b[0]));
    for (let i = 1; i < parsed.length; i++) {
      const before = parsed[i - 1]!;
      const beforeEnd = minutesOf(before[1]) > minutesOf(before[0]) ? minutesOf(before[1]) : 24 * 60 + minutesOf(before[1]);
      if (minutesOf(parsed[i]![0]) < beforeEnd) return `"weeklyHours.${day}" has overlapping ranges`;
    }
    if (parsed.length > 0) weekly[day as keyof WeeklyHours] = parsed;
  }
  return weekly;
}

function parseHolidays(raw: unknown): string[] | string {
  if (!Array.isArray(raw) || raw.length > MAX_HOLIDAYS) return `"holidays" must be a list of at most ${MAX_HOLIDAYS} dates`;
  const dates = new Set<string>();
  for (const date of raw) {
    // A real calendar date: 2026-02-30 is refused, not rolled into March.
    const ms = typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : NaN;
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
      return '"holidays" must hold dates written YYYY-MM-DD';
    }
    dates.add(date);
  }
  return [...dates].sort();
}
