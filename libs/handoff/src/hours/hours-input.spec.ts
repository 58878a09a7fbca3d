import { parseHoursChange } from './hours-input';

const valid = { timeZone: 'Europe/Berlin', weeklyHours: { mon: [['13:00', '17:00'], ['09:00', '12:00']], fri: [['22:00', '02:00']] }, holidays: ['2026-12-26', '2026-12-25', '2026-12-25'], closedAction: 'message' };

describe('an admin hours change', () => {
  it('is kept sorted, holidays once each', () => {
    expect(parseHoursChange(valid)).toEqual({
      timeZone: 'Europe/Berlin',
      weeklyHours: { mon: [['09:00', '12:00'], ['13:00', '17:00']], fri: [['22:00', '02:00']] },
      holidays: ['2026-12-25', '2026-12-26'],
      closedAction: 'message',
    });
    expect(parseHoursChange({ ...valid, weeklyHours: null })).toMatchObject({ weeklyHours: null });
  });

  it.each([
    [null, 'The body must be a JSON object'],
    [{ ...valid, extra: 1 }, 'Unknown field "extra"'],
    [{ ...valid, holidays: undefined }, '"holidays" is required'],
    [{ ...valid, timeZone: 'Europe/Atlantis' }, '"timeZone" must be'],
    [{ ...valid, closedAction: 'queue' }, '"closedAction" must be one of bot, message'],
    [{ ...valid, weeklyHours: { monday: [] } }, 'unknown day "monday"'],
    [{ ...valid, weeklyHours: { mon: [['9:00', '17:00']] } }, 'ranges must be ["HH:MM", "HH:MM"]'],
    [{ ...valid, weeklyHours: { mon: [['24:00', '02:00']] } }, 'ranges must be'],
    [{ ...valid, weeklyHours: { mon: [['09:00', '09:00']] } }, 'starts and ends at 09:00'],
    [{ ...valid, weeklyHours: { mon: [['09:00', '13:00'], ['12:00', '17:00']] } }, 'overlapping ranges'],
    [{ ...valid, weeklyHours: { mon: [['20:00', '02:00'], ['22:00', '23:00']] } }, 'overlapping ranges'],
    [{ ...valid, holidays: ['2026-02-30'] }, 'dates written YYYY-MM-DD'],
    [{ ...valid, holidays: ['2026-13-45'] }, 'dates written YYYY-MM-DD'],
    [{ ...valid, holidays: [20261225] }, 'dates written YYYY-MM-DD'],
    [{ ...valid, holidays: '2026-12-25' }, '"holidays" must be a list'],
  ])('refuses %j', (body, message) => {
    expect(parseHoursChange(body)).toEqual(expect.stringContaining(message));
  });
});
