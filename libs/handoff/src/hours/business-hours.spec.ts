import { describeOpening, instantsOf, isTimeZone, openState, type BusinessHours, type WeeklyHours } from './business-hours';

const at = (iso: string): Date => new Date(iso);
const weekdays = (ranges: Array<[string, string]>): WeeklyHours => ({ mon: ranges, tue: ranges, wed: ranges, thu: ranges, fri: ranges });
const hours = (timeZone: string, weekly: WeeklyHours | null, holidays: string[] = []): BusinessHours => ({ timeZone, weekly, holidays });

describe('business hours', () => {
  const berlin = hours('Europe/Berlin', weekdays([['09:00', '17:00']]));

  it('is always open without weekly hours', () => {
    expect(openState(hours('Europe/Berlin', null, ['2026-12-25']), at('2026-12-25T03:00:00Z'))).toEqual({ open: true, nextOpen: null });
  });

  it('is open inside a range and closed at its end (the end is exclusive)', () => {
    // 2026-12-07 is a Monday; Berlin is UTC+1 in winter.
    expect(openState(berlin, at('2026-12-07T08:00:00Z')).open).toBe(true); // 09:00
    expect(openState(berlin, at('2026-12-07T15:59:00Z')).open).toBe(true); // 16:59
    expect(openState(berlin, at('2026-12-07T16:00:00Z'))).toEqual({ open: false, nextOpen: at('2026-12-08T08:00:00Z') }); // 17:00
    expect(openState(berlin, at('2026-12-07T07:59:00Z'))).toEqual({ open: false, nextOpen: at('2026-12-07T08:00:00Z') });
  });

  it('opens on Monday after a weekend', () => {
    expect(openState(berlin, at('2026-12-05T12:00:00Z'))).toEqual({ open: false, nextOpen: at('2026-12-07T08:00:00Z') });
  });

  it('reads the wall clock of the team, not of UTC', () => {
    const tokyo = hours('Asia/Tokyo', weekdays([['09:00', '17:00']]));
    // 2026-12-07 01:00 UTC is Monday 10:00 in Tokyo (UTC+9, no DST).
    expect(openState(tokyo, at('2026-12-07T01:00:00Z')).open).toBe(true);
    expect(openState(tokyo, at('2026-12-07T08:00:00Z'))).toEqual({ open: false, nextOpen: at('2026-12-08T00:00:00Z') });
  });

  it('keeps 09:00 local across spring forward (Europe/Berlin, 29 March 2026)', () => {
    const everyDay = hours('Europe/Berlin', { sat: [['09:00', '17:00']], sun: [['09:00', '17:00']], mon: [['09:00', '17:00']] });
    // Saturday 17:00 CET (UTC+1) closed; it opens Sunday 09:00 CEST (UTC+2), 07:00 UTC.
    expect(openState(everyDay, at('2026-03-28T16:30:00Z'))).toEqual({ open: false, nextOpen: at('2026-03-29T07:00:00Z') });
    expect(openState(everyDay, at('2026-03-29T06:59:00Z')).open).toBe(false);
    expect(openState(everyDay, at('2026-03-29T07:00:00Z')).open).toBe(true);
    expect(openState(everyDay, at('2026-03-29T14:59:00Z')).open).toBe(true); // 16:59 CEST
    expect(openState(everyDay, at('2026-03-29T15:00:00Z')).open).toBe(false); // 17:00 CEST
  });

  it('keeps 09:00 local across fall back (America/New_York, 1 November 2026)', () => {
    const ny = hours('America/New_York', { sun: [['09:00', '17:00']], mon: [['09:00', '17:00']] });
    // Sunday after the change: EST, UTC-5.
    expect(openState(ny, at('2026-11-01T05:00:00Z'))).toEqual({ open: false, nextOpen: at('2026-11-01T14:00:00Z') });
    expect(openState(ny, at('2026-11-01T21:59:00Z')).open).toBe(true); // 16:59 EST
    expect(openState(ny, at('2026-11-01T22:00:00Z')).open).toBe(false);
  });

  it('opens a range that starts inside the spring-forward gap when the clock jumps past it', () => {
    const night = hours('Europe/Berlin', { sun: [['02:30', '05:00']] });
    // 02:30 does not exist on 29 March 2026: the clock goes from 02:00 CET to 03:00 CEST at 01:00 UTC.
    expect(instantsOf(Date.UTC(2026, 2, 29) / 86_400_000, 150, 'Europe/Berlin')).toEqual([Date.parse('2026-03-29T01:00:00Z')]);
    expect(openState(night, at('2026-03-28T23:00:00Z'))).toEqual({ open: false, nextOpen: at('2026-03-29T01:00:00Z') });
    expect(openState(night, at('2026-03-29T01:00:00Z')).open).toBe(true);
  });

  it('opens a range in the repeated fall-back hour at its first occurrence, and again at its second', () => {
    const repeated = hours('Europe/Berlin', { sun: [['02:30', '02:45']] });
    // 25 October 2026: 03:00 CEST becomes 02:00 CET at 01:00 UTC, so 02:30 is 00:30 UTC and 01:30 UTC.
    expect(instantsOf(Date.UTC(2026, 9, 25) / 86_400_000, 150, 'Europe/Berlin')).toEqual([Date.parse('2026-10-25T00:30:00Z'), Date.parse('2026-10-25T01:30:00Z')]);
    expect(openState(repeated, at('2026-10-25T00:00:00Z'))).toEqual({ open: false, nextOpen: at('2026-10-25T00:30:00Z') });
    expect(openState(repeated, at('2026-10-25T00:35:00Z')).open).toBe(true);
    expect(openState(repeated, at('2026-10-25T01:00:00Z'))).toEqual({ open: false, nextOpen: at('2026-10-25T01:30:00Z') });
  });

  it('runs an overnight range into the next day', () => {
    const nights = hours('UTC', { fri: [['22:00', '06:00']] });
    // Friday 2026-12-11.
    expect(openState(nights, at('2026-12-11T21:59:00Z'))).toEqual({ open: false, nextOpen: at('2026-12-11T22:00:00Z') });
    expect(openState(nights, at('2026-12-11T23:30:00Z')).open).toBe(true);
    expect(openState(nights, at('2026-12-12T05:59:00Z')).open).toBe(true); // Saturday morning, Friday's range
    expect(openState(nights, at('2026-12-12T06:00:00Z'))).toEqual({ open: false, nextOpen: at('2026-12-18T22:00:00Z') });
  });

  it('treats "24:00" as the end of the day and several ranges a day in order', () => {
    const split = hours('UTC', { mon: [['13:00', '24:00'], ['08:00', '12:00']] });
    expect(openState(split, at('2026-12-07T23:59:00Z')).open).toBe(true);
    expect(openState(split, at('2026-12-07T12:30:00Z'))).toEqual({ open: false, nextOpen: at('2026-12-07T13:00:00Z') });
    expect(openState(split, at('2026-12-07T07:00:00Z'))).toEqual({ open: false, nextOpen: at('2026-12-07T08:00:00Z') });
  });

  it('closes all day on a holiday in the team zone, and opens the next working day', () => {
    const xmas = hours('Europe/Berlin', weekdays([['09:00', '17:00']]), ['2026-12-24', '2026-12-25']);
    // Thursday 24th and Friday 25th are holidays; then the weekend; Monday 28th 09:00 CET.
    expect(openState(xmas, at('2026-12-24T10:00:00Z'))).toEqual({ open: false, nextOpen: at('2026-12-28T08:00:00Z') });
    // 23:30 UTC on the 23rd is already the 24th in Berlin.
    expect(openState(hours('Europe/Berlin', { wed: [['00:00', '24:00']], thu: [['00:00', '24:00']] }, ['2026-12-24']), at('2026-12-23T23:30:00Z')).open).toBe(false);
  });

  it('does not open the tail of an overnight range that started on a holiday, nor the tail that falls on one', () => {
    const nights = hours('UTC', { thu: [['22:00', '06:00']], fri: [['22:00', '06:00']] });
    // Thursday 24th is a holiday: its night does not open; Friday's does.
    const eve = { ...nights, holidays: ['2026-12-24'] };
    expect(openState(eve, at('2026-12-25T02:00:00Z'))).toEqual({ open: false, nextOpen: at('2026-12-25T22:00:00Z') });
    // Saturday 26th is a holiday: Friday's night stops at midnight.
    const boxing = { ...nights, holidays: ['2026-12-26'] };
    expect(openState(boxing, at('2026-12-25T23:00:00Z')).open).toBe(true);
    expect(openState(boxing, at('2026-12-26T01:00:00Z'))).toEqual({ open: false, nextOpen: at('2026-12-31T22:00:00Z') });
  });

  it('finds the opening after a whole week of closure', () => {
    const week = ['2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01'];
    const shut = hours('America/New_York', weekdays([['09:00', '17:00']]), week);
    // Friday 25th 18:00 EST: the next weekday is Monday 28th, closed all week; Monday 4 January 09:00 EST.
    expect(openState(shut, at('2026-12-25T23:00:00Z'))).toEqual({ open: false, nextOpen: at('2027-01-04T14:00:00Z') });
  });

  it('never opens with hours on no day', () => {
    expect(openState(hours('UTC', {}), at('2026-12-07T12:00:00Z'))).toEqual({ open: false, nextOpen: null });
  });

  it('accepts tz database names only', () => {
    for (const name of ['Europe/Berlin', 'UTC', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'Asia/Kolkata']) expect(isTimeZone(name)).toBe(true);
    for (const name of ['europe/berlin', 'Mars/Olympus', '+01:00', '', 'Europe/Berlin ', 42, null]) expect(isTimeZone(name)).toBe(false);
  });

  it('describes the opening in the team zone', () => {
    expect(describeOpening(at('2026-12-07T08:00:00Z'), 'Europe/Berlin')).toBe('Monday 7 December at 09:00 CET');
    expect(describeOpening(at('2026-12-07T08:00:00Z'), 'Asia/Tokyo')).toBe('Monday 7 December at 17:00 GMT+9');
  });
});
