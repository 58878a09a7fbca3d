/**
 * A team's business hours, as pure functions over an instant. Ranges are wall-clock times in the
 * team's zone, so a 09:00-17:00 day stays 09:00-17:00 across a DST change (Intl does the zone maths).
 *
 * - `weekly` null: always open (holidays do not apply: there are no hours to close).
 * - A range whose end is not after its start runs overnight into the next day ("22:00"-"06:00").
 * - A holiday (a date in the team's zone) is closed all day, and the ranges that start on it do not
 *   open at all, so an overnight range never opens on a holiday's eve tail either.
 * - At a fall-back hour that happens twice, a range covering it is open both times.
 */
export const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Day = (typeof DAYS)[number];
export type TimeRange = [string, string];
export type WeeklyHours = Partial<Record<Day, TimeRange[]>>;

export interface BusinessHours {
  timeZone: string;
  weekly: WeeklyHours | null;
  /** YYYY-MM-DD in the team's zone. */
  holidays: readonly string[];
}

export interface OpenState {
  open: boolean;
  /** When closed: the next instant it opens; null when it never does (no hours on any day). */
  nextOpen: Date | null;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Far enough to pass a year of holidays. */
const SEARCH_DAYS = 400;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

export function minutesOf(time: string): number {
  const [h, m] = time.split(':');
  return Number(h) * 60 + Number(m);
}

export const isTime = (value: unknown): value is string => typeof value === 'string' && TIME.test(value);

/** True for a zone name Intl knows, spelled as the tz database spells it ("Europe/Berlin", "UTC"). */
export function isTimeZone(name: unknown): name is string {
  if (typeof name !== 'string' || !/^[A-Z][A-Za-z0-9_+-]*(\/[A-Z0-9][A-Za-z0-9_+-]*){0,2}$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

interface Local {
  /** Days since 1970-01-01 of the local date. */
  day: number;
  /** Minutes since local midnight. */
  minute: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function formatOf(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formats.set(timeZone, format);
  }
  return format;
}

/** The wall clock in `timeZone` at `ms`, as days since the epoch and minutes into the day. */
function localAt(ms: number, timeZone: string): Local {
  const parts: Record<string, number> = {};
  for (const p of formatOf(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const utc = Date.UTC(parts.year!, parts.month! - 1, parts.day!);
  return { day: Math.floor(utc / DAY), minute: parts.hour! * 60 + parts.minute! };
}

/** Minutes the zone is ahead of UTC at `ms` (whole minutes: every zone in use is). */
function offsetAt(ms: number, timeZone: string): number {
  const at = Math.floor(ms / MINUTE) * MINUTE;
  const local = localAt(at, timeZone);
  return Math.round((local.day * DAY + local.minute * MINUTE - at) / MINUTE);
}

/**
 * Every instant at which the wall clock reads `minute` on `day`: one, two in a fall-back hour, and in
 * a spring-forward gap the instant the clock jumps past it (the first moment it reads later).
 */
export function instantsOf(day: number, minute: number, timeZone: string): number[] {
  const wall = day * DAY + minute * MINUTE;
  const offsets = new Set([offsetAt(wall - DAY, timeZone), offsetAt(wall, timeZone), offsetAt(wall + DAY, timeZone)]);
  const found = [...offsets].map((o) => wall - o * MINUTE).filter((ms) => offsetAt(ms, timeZone) * MINUTE === wall - ms);
  if (found.length > 0) return [...new Set(found)].sort((a, b) => a - b);
  // A gap: the change lies between the two readings; find its minute.
  const candidates = [...offsets].map((o) => wall - o * MINUTE);
  let lo = Math.min(...candidates);
  let hi = Math.max(...candidates);
  const before = offsetAt(lo - MINUTE, timeZone);
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (offsetAt(mid, timeZone) === before) lo = mid;
    else hi = mid;
  }
  return [offsetAt(lo, timeZone) === before ? hi : lo];
}

const dateOf = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);
const weekdayOf = (day: number): Day => DAYS[new Date(day * DAY).getUTCDay()]!;

function rangesOf(hours: BusinessHours, day: number): Array<{ start: number; end: number }> {
  if (hours.holidays.includes(dateOf(day))) return [];
  return (hours.weekly?.[weekdayOf(day)] ?? []).map(([s, e]) => {
    const start = minutesOf(s);
    const end = minutesOf(e);
    return { start, end: end > start ? end : end + 24 * 60 };
  });
}

export function isOpenAt(hours: BusinessHours, at: Date): boolean {
  if (hours.weekly === null) return true;
  const { day, minute } = localAt(at.getTime(), hours.timeZone);
  if (hours.holidays.includes(dateOf(day))) return false;
  if (rangesOf(hours, day).some((r) => minute >= r.start && minute < r.end)) return true;
  // Yesterday's overnight ranges, seen from today's clock.
  return rangesOf(hours, day - 1).some((r) => minute + 24 * 60 >= r.start && minute + 24 * 60 < r.end);
}

/** Whether the team is open at `at`, and if not, when it next opens. */
export function openState(hours: BusinessHours, at: Date): OpenState {
  if (isOpenAt(hours, at)) return { open: true, nextOpen: null };
  const now = at.getTime();
  const today = localAt(now, hours.timeZone).day;
  for (let day = today; day <= today + SEARCH_DAYS; day++) {
    // Each opening is the start of a range; the earliest instant after now at which it is open.
    const starts = rangesOf(hours, day)
      .flatMap((r) => instantsOf(day, r.start, hours.timeZone))
      .filter((ms) => ms > now && isOpenAt(hours, new Date(ms)))
      .sort((a, b) => a - b);
    if (starts.length > 0) return { open: false, nextOpen: new Date(starts[0]!) };
  }
  return { open: false, nextOpen: null };
}

/** "Monday 7 December at 09:00 CET": how the user is told when the team opens, in the team's zone. */
export function describeOpening(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(at);
}
