import { addMonths, ageOn, dutchToday } from '../../src/util/dates';

describe('ageOn', () => {
  it.each([
    ['2010-06-15', '2026-06-14', 15],
    ['2010-06-15', '2026-06-15', 16],
    ['2010-06-15', '2026-06-16', 16],
    ['2010-06-15', '2026-05-31', 15],
    ['2010-06-15', '2026-07-01', 16],
    ['2010-12-31', '2026-12-30', 15],
    ['2010-12-31', '2026-12-31', 16],
    ['2010-01-01', '2025-12-31', 15],
    ['2010-01-01', '2026-01-01', 16],
    ['2026-03-10', '2026-03-10', 0],
    ['2025-03-11', '2026-03-10', 0],
  ])('should make someone born %s aged %i on %s', (dob, day, age) => {
    expect(ageOn(dob, day)).toBe(age);
  });

  it('should let someone born on 29 February turn a year older on 1 March in a common year', () => {
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
  });

  it('should let someone born on 29 February turn a year older on 29 February in a leap year', () => {
    expect(ageOn('2008-02-29', '2028-02-28')).toBe(19);
    expect(ageOn('2008-02-29', '2028-02-29')).toBe(20);
  });

  it('should put the 12, 16 and 18 year thresholds exactly on the birthday', () => {
    expect(ageOn('2014-04-20', '2026-04-19')).toBe(11);
    expect(ageOn('2014-04-20', '2026-04-20')).toBe(12);
    expect(ageOn('2010-04-20', '2026-04-19')).toBe(15);
    expect(ageOn('2010-04-20', '2026-04-20')).toBe(16);
    expect(ageOn('2008-04-20', '2026-04-19')).toBe(17);
    expect(ageOn('2008-04-20', '2026-04-20')).toBe(18);
  });
});

describe('addMonths', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2024-03-31', -1, '2024-02-29'],
    ['2026-05-31', 1, '2026-06-30'],
    ['2026-01-31', -2, '2025-11-30'],
    ['2026-01-15', -1, '2025-12-15'],
    ['2026-12-15', 1, '2027-01-15'],
    ['2026-01-01', -13, '2024-12-01'],
    ['2026-01-31', 24, '2028-01-31'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2024-02-29', -48, '2020-02-29'],
    ['2026-07-04', 0, '2026-07-04'],
    ['2026-07-04', -(40 * 12 + 3), '1986-04-04'],
  ])('should turn %s plus %i months into %s', (day, months, expected) => {
    expect(addMonths(day, months)).toBe(expected);
  });

  it('should always give a zero-padded YYYY-MM-DD date', () => {
    for (let m = -30; m <= 30; m += 1) expect(addMonths('2026-01-05', m)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('dutchToday', () => {
  it.each([
    ['2026-06-30T22:30:00Z', '2026-07-01'],
    ['2026-06-30T21:59:59Z', '2026-06-30'],
    ['2026-06-30T22:00:00Z', '2026-07-01'],
    ['2026-12-31T22:59:59Z', '2026-12-31'],
    ['2026-12-31T23:00:00Z', '2027-01-01'],
    ['2026-03-28T22:59:59Z', '2026-03-28'],
    ['2026-03-28T23:00:00Z', '2026-03-29'],
    ['2026-10-24T21:59:59Z', '2026-10-24'],
    ['2026-10-24T22:00:00Z', '2026-10-25'],
  ])('should judge the instant %s to be %s in Amsterdam', (instant, day) => {
    expect(dutchToday(new Date(instant))).toBe(day);
  });

  it('should give today as YYYY-MM-DD by default', () => {
    const before = dutchToday(new Date());
    const today = dutchToday();
    const after = dutchToday(new Date());
    expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect([before, after]).toContain(today);
  });

  it('should change the day at midnight even when asked within the same second before and after', () => {
    // The day is formatted once per minute: midnight must still be exact to the millisecond.
    expect(dutchToday(new Date('2026-06-30T21:59:59.999Z'))).toBe('2026-06-30');
    expect(dutchToday(new Date('2026-06-30T22:00:00.000Z'))).toBe('2026-07-01');
    expect(dutchToday(new Date('2026-06-30T21:59:59.999Z'))).toBe('2026-06-30');
  });

  it('should turn a child 16 at midnight in Amsterdam, not at midnight UTC', () => {
    const dob = '2010-07-01';
    expect(ageOn(dob, dutchToday(new Date('2026-06-30T21:59:00Z')))).toBe(15);
    expect(ageOn(dob, dutchToday(new Date('2026-06-30T22:01:00Z')))).toBe(16);
  });
});
