import { describe, expect, it } from 'vitest';
import { builtinCalendars } from './builtin-calendars.ts';
import { CalendarError } from './calendar-error.ts';
import type { CalendarSpec, WeeklyHours } from './calendar-spec.ts';
import { createCalendar } from './create-calendar.ts';
import type { Duration } from './duration.ts';

const H = 3_600_000;
const at = (iso: string): number => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`bad test instant ${iso}`);
  return t;
};
const d = (parts: Partial<Duration>): Duration => ({ weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0, ...parts });

const cn = createCalendar(builtinCalendars['cn-mainland']);

function testCalendar(timeZone: string, workingHours: Partial<WeeklyHours>, id = 'test'): CalendarSpec {
  return {
    id,
    name: { en: 'Test' },
    timeZone,
    workingHours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [], ...workingHours },
  };
}

describe('cn-mainland 2025 (State Council schedule)', () => {
  it('knows 2025 and 2026', () => {
    expect(cn.knownYears).toEqual([2025, 2026]);
  });

  it.each([
    ['2025-01-01', false, 'New Year (Wednesday)'],
    ['2025-01-25', false, 'plain Saturday'],
    ['2025-01-26', true, 'make-up Sunday for the Spring Festival'],
    ['2025-01-27', true, 'Monday before the Spring Festival'],
    ['2025-01-28', false, 'Spring Festival starts'],
    ['2025-02-04', false, 'Spring Festival ends'],
    ['2025-02-05', true, 'first day back'],
    ['2025-02-08', true, 'make-up Saturday'],
    ['2025-04-04', false, 'Qingming (Friday)'],
    ['2025-04-27', true, 'make-up Sunday for Labour Day'],
    ['2025-05-05', false, 'Labour Day (Monday)'],
    ['2025-06-02', false, 'Dragon Boat (Monday)'],
    ['2025-06-03', true, 'after Dragon Boat'],
    ['2025-09-28', true, 'make-up Sunday for National Day'],
    ['2025-10-08', false, 'National Day + Mid-Autumn ends'],
    ['2025-10-09', true, 'back after National Day'],
    ['2025-10-11', true, 'make-up Saturday'],
    ['2025-10-12', false, 'plain Sunday'],
  ])('isWorkingDay(%s) is %s (%s)', (date, expected) => {
    expect(cn.isWorkingDay(date)).toBe(expected);
  });

  it('has 248 working days in 2025 (365 − 104 weekend days − 13 statutory days off)', () => {
    expect(countWorkingDays(2025)).toBe(248);
  });

  it('counts 48 working hours from Thursday 2025-09-25 10:00 across National Day to Friday 2025-10-10 10:00', () => {
    // By hand (09–12 + 13–18 = 8 h a day): Thu 25th 10:00–18:00 = 7 h; Fri 26th 8 (15);
    // Sun 28th make-up 8 (23); Mon 29th 8 (31); Tue 30th 8 (39); Oct 1–8 off; Thu 9th 8 (47);
    // Fri 10th 09:00–10:00 1 (48).
    const start = at('2025-09-25T10:00:00+08:00');
    expect(cn.addWorkingTime(start, 48 * H)).toBe(at('2025-10-10T10:00:00+08:00'));
    expect(cn.workingMillisBetween(start, at('2025-10-10T10:00:00+08:00'))).toBe(48 * H);
  });

  it('counts the make-up Saturday 2025-10-11 and ends exactly at its end of work', () => {
    const start = at('2025-09-25T10:00:00+08:00');
    // 55 h by Friday 10th 18:00; Sat 11th make-up 8 h → 63 h exactly at 18:00 (not Monday 09:00).
    expect(cn.addWorkingTime(start, 63 * H)).toBe(at('2025-10-11T18:00:00+08:00'));
    // One more hour: Sunday 12th is off, Monday 13th 09:00–10:00.
    expect(cn.addWorkingTime(start, 64 * H)).toBe(at('2025-10-13T10:00:00+08:00'));
  });

  it('skips the lunch break', () => {
    expect(cn.addWorkingTime(at('2025-03-17T11:30:00+08:00'), 1 * H)).toBe(at('2025-03-17T13:30:00+08:00'));
    expect(cn.isWorkingInstant(at('2025-03-17T12:30:00+08:00'))).toBe(false);
    expect(cn.nextWorkingInstant(at('2025-03-17T12:30:00+08:00'))).toBe(at('2025-03-17T13:00:00+08:00'));
  });

  it('treats working intervals as half-open: 18:00 is not working time, 09:00 is', () => {
    expect(cn.isWorkingInstant(at('2025-03-17T09:00:00+08:00'))).toBe(true);
    expect(cn.isWorkingInstant(at('2025-03-17T17:59:59.999+08:00'))).toBe(true);
    expect(cn.isWorkingInstant(at('2025-03-17T18:00:00+08:00'))).toBe(false);
    expect(cn.nextWorkingInstant(at('2025-03-14T18:00:00+08:00'))).toBe(at('2025-03-17T09:00:00+08:00'));
  });

  it('moves "1 working day" from Friday 16:00 to Monday 16:00', () => {
    expect(cn.addWorkingDays(at('2025-03-14T16:00:00+08:00'), 1)).toBe(at('2025-03-17T16:00:00+08:00'));
  });

  it('moves "1 working day" before a holiday to the first day after it', () => {
    expect(cn.addWorkingDays(at('2025-09-30T16:00:00+08:00'), 1)).toBe(at('2025-10-09T16:00:00+08:00'));
    expect(cn.addWorkingDays(at('2025-01-27T16:00:00+08:00'), 1)).toBe(at('2025-02-05T16:00:00+08:00'));
  });

  it('counts make-up workdays as working days', () => {
    expect(cn.addWorkingDays(at('2025-10-10T16:00:00+08:00'), 1)).toBe(at('2025-10-11T16:00:00+08:00'));
    expect(cn.addWorkingDays(at('2025-10-10T16:00:00+08:00'), 2)).toBe(at('2025-10-13T16:00:00+08:00'));
    expect(cn.addWorkingDays(at('2025-02-07T10:00:00+08:00'), 1)).toBe(at('2025-02-08T10:00:00+08:00'));
    // Fri 24 Jan → Sun 26 (make-up) → Mon 27 → (Spring Festival) → Wed 5 Feb.
    expect(cn.addWorkingDays(at('2025-01-24T16:00:00+08:00'), 1)).toBe(at('2025-01-26T16:00:00+08:00'));
    expect(cn.addWorkingDays(at('2025-01-24T16:00:00+08:00'), 3)).toBe(at('2025-02-05T16:00:00+08:00'));
  });

  it('starts counting working days from the next working instant when outside working time', () => {
    // Saturday 27 Sep is off; the next working instant is the make-up Sunday 28th 09:00.
    expect(cn.addWorkingDays(at('2025-09-27T10:00:00+08:00'), 0)).toBe(at('2025-09-28T09:00:00+08:00'));
    expect(cn.addWorkingDays(at('2025-09-27T10:00:00+08:00'), 1)).toBe(at('2025-09-29T09:00:00+08:00'));
    // Lunch break: counts from 13:00.
    expect(cn.addWorkingDays(at('2025-03-17T12:30:00+08:00'), 1)).toBe(at('2025-03-18T13:00:00+08:00'));
    // Exactly at the end of Friday's work: counts from Monday 09:00.
    expect(cn.addWorkingDays(at('2025-03-14T18:00:00+08:00'), 1)).toBe(at('2025-03-18T09:00:00+08:00'));
  });

  it('adds durations in working time: weeks are 5 working days, then hours are working hours', () => {
    // P1DT4H from Fri 16:00: Mon 16:00, then 16–18 (2 h) and Tue 09–11 (2 h).
    expect(cn.addDuration(at('2025-03-14T16:00:00+08:00'), d({ days: 1, hours: 4 }), 'working')).toBe(
      at('2025-03-18T11:00:00+08:00'),
    );
    // P2W = 10 working days from Mon 22 Sep 10:00: 23, 24, 25, 26, 28 (make-up), 29, 30, Oct 9, 10, 11 (make-up).
    expect(cn.addDuration(at('2025-09-22T10:00:00+08:00'), d({ weeks: 2 }), 'working')).toBe(
      at('2025-10-11T10:00:00+08:00'),
    );
    expect(cn.addDuration(at('2025-09-22T10:00:00+08:00'), d({ hours: 48 }), 'working')).toBe(
      cn.addWorkingTime(at('2025-09-22T10:00:00+08:00'), 48 * H),
    );
    expect(cn.addDuration(at('2025-09-27T10:00:00+08:00'), d({}), 'working')).toBe(at('2025-09-27T10:00:00+08:00'));
    // The README example: Oct 9 16:00, then 16–18 and Oct 10 09–11.
    expect(cn.addDuration(at('2025-09-30T16:00:00+08:00'), d({ days: 1, hours: 4 }), 'working')).toBe(
      at('2025-10-10T11:00:00+08:00'),
    );
  });

  it('returns the same calendar for the same document object', () => {
    expect(createCalendar(builtinCalendars['cn-mainland'])).toBe(cn);
    expect(createCalendar(structuredClone(builtinCalendars['cn-mainland']))).not.toBe(cn);
  });

  it('adds durations in clock time, ignoring holidays', () => {
    expect(cn.addDuration(at('2025-09-30T16:00:00+08:00'), d({ days: 3 }), 'clock')).toBe(
      at('2025-10-03T16:00:00+08:00'),
    );
    expect(cn.addDuration(at('2025-09-30T16:00:00+08:00'), d({ weeks: 1, hours: 2, minutes: 30 }), 'clock')).toBe(
      at('2025-10-07T18:30:00+08:00'),
    );
  });

  it('lists the working intervals of a date as instants', () => {
    expect(cn.workingIntervalsOn('2025-09-28')).toEqual([
      { start: at('2025-09-28T09:00:00+08:00'), end: at('2025-09-28T12:00:00+08:00') },
      { start: at('2025-09-28T13:00:00+08:00'), end: at('2025-09-28T18:00:00+08:00') },
    ]);
    expect(cn.workingIntervalsOn('2025-10-01')).toEqual([]);
  });

  it('uses plain weekly hours in a year without a schedule', () => {
    expect(cn.isWorkingDay('2027-10-01')).toBe(true); // a Friday; 2027 holidays are not known
    expect(cn.isWorkingDay('2027-10-02')).toBe(false); // Saturday
    expect(cn.addWorkingDays(at('2024-09-30T16:00:00+08:00'), 1)).toBe(at('2024-10-01T16:00:00+08:00'));
  });
});

describe('cn-mainland 2026 (State Council notice of 2025-11-04)', () => {
  it.each([
    ['2026-01-01', false],
    ['2026-01-03', false],
    ['2026-01-04', true],
    ['2026-02-14', true],
    ['2026-02-15', false],
    ['2026-02-23', false],
    ['2026-02-24', true],
    ['2026-02-28', true],
    ['2026-04-06', false],
    ['2026-05-05', false],
    ['2026-05-09', true],
    ['2026-06-19', false],
    ['2026-09-20', true],
    ['2026-09-25', false],
    ['2026-10-07', false],
    ['2026-10-08', true],
    ['2026-10-10', true],
  ])('isWorkingDay(%s) is %s', (date, expected) => {
    expect(cn.isWorkingDay(date)).toBe(expected);
  });

  it('has 248 working days in 2026 (365 − 104 weekend days − 13 statutory days off)', () => {
    expect(countWorkingDays(2026)).toBe(248);
  });

  it('moves "1 working day" over New Year to the make-up Sunday 2026-01-04', () => {
    expect(cn.addWorkingDays(at('2025-12-31T16:00:00+08:00'), 1)).toBe(at('2026-01-04T16:00:00+08:00'));
  });

  it('counts the Spring Festival make-up Saturdays', () => {
    expect(cn.addWorkingDays(at('2026-02-13T10:00:00+08:00'), 1)).toBe(at('2026-02-14T10:00:00+08:00'));
    expect(cn.addWorkingDays(at('2026-02-13T10:00:00+08:00'), 2)).toBe(at('2026-02-24T10:00:00+08:00'));
    expect(cn.addWorkingDays(at('2026-02-27T10:00:00+08:00'), 1)).toBe(at('2026-02-28T10:00:00+08:00'));
  });

  it('counts 48 working hours from Thursday 2026-02-12 10:00 across the Spring Festival to Friday 2026-02-27 10:00', () => {
    // Thu 12th 7 h; Fri 13th 8 (15); Sat 14th make-up 8 (23); 15th–23rd off; Tue 24th 8 (31);
    // Wed 25th 8 (39); Thu 26th 8 (47); Fri 27th 09:00–10:00 (48).
    expect(cn.addWorkingTime(at('2026-02-12T10:00:00+08:00'), 48 * H)).toBe(at('2026-02-27T10:00:00+08:00'));
  });

  it('skips Labour Day, Mid-Autumn and National Day and counts their make-up days', () => {
    expect(cn.addWorkingDays(at('2026-04-30T16:00:00+08:00'), 1)).toBe(at('2026-05-06T16:00:00+08:00'));
    expect(cn.addWorkingDays(at('2026-05-08T16:00:00+08:00'), 1)).toBe(at('2026-05-09T16:00:00+08:00'));
    expect(cn.addWorkingDays(at('2026-09-18T16:00:00+08:00'), 1)).toBe(at('2026-09-20T16:00:00+08:00'));
    expect(cn.addWorkingDays(at('2026-09-24T16:00:00+08:00'), 1)).toBe(at('2026-09-28T16:00:00+08:00'));
    expect(cn.addWorkingDays(at('2026-09-30T16:00:00+08:00'), 1)).toBe(at('2026-10-08T16:00:00+08:00'));
    expect(cn.addWorkingDays(at('2026-10-09T16:00:00+08:00'), 1)).toBe(at('2026-10-10T16:00:00+08:00'));
  });
});

describe('working days with uneven hours', () => {
  const uneven = createCalendar(
    testCalendar('UTC', {
      mon: [['09:00', '18:00']],
      tue: [
        ['10:00', '12:00'],
        ['14:00', '16:00'],
      ],
      wed: [['09:00', '18:00']],
    }),
  );

  it('clamps to the end of a shorter day', () => {
    // Mon 17:00 → Tue has no 17:00: clamp to Tuesday's end of work, 16:00.
    expect(uneven.addWorkingDays(at('2025-03-17T17:00:00Z'), 1)).toBe(at('2025-03-18T16:00:00Z'));
  });

  it('clamps a time in a break to the end of the interval before it', () => {
    expect(uneven.addWorkingDays(at('2025-03-17T13:00:00Z'), 1)).toBe(at('2025-03-18T12:00:00Z'));
  });

  it('clamps a time before the first interval to its start', () => {
    expect(uneven.addWorkingDays(at('2025-03-17T09:30:00Z'), 1)).toBe(at('2025-03-18T10:00:00Z'));
  });

  it('keeps a time that is working time on the target day', () => {
    expect(uneven.addWorkingDays(at('2025-03-17T11:00:00Z'), 1)).toBe(at('2025-03-18T11:00:00Z'));
    expect(uneven.addWorkingDays(at('2025-03-18T15:00:00Z'), 1)).toBe(at('2025-03-19T15:00:00Z'));
    // Wed → next Mon (Thu–Sun off).
    expect(uneven.addWorkingDays(at('2025-03-19T17:30:00Z'), 1)).toBe(at('2025-03-24T17:30:00Z'));
  });
});

describe('daylight saving time (Europe/Berlin, test-only calendars)', () => {
  // 2025: clocks go 02:00 CET → 03:00 CEST on Sun 30 Mar (01:00Z), and 03:00 CEST → 02:00 CET on
  // Sun 26 Oct (01:00Z).
  const office = createCalendar(
    testCalendar(
      'Europe/Berlin',
      {
        mon: [['09:00', '17:00']],
        tue: [['09:00', '17:00']],
        wed: [['09:00', '17:00']],
        thu: [['09:00', '17:00']],
        fri: [['09:00', '17:00']],
      },
      'berlin-office',
    ),
  );
  const allDay = ['00:00', '24:00'] as [string, string];
  const roundTheClock = createCalendar(
    testCalendar(
      'Europe/Berlin',
      { mon: [allDay], tue: [allDay], wed: [allDay], thu: [allDay], fri: [allDay], sat: [allDay], sun: [allDay] },
      'berlin-24-7',
    ),
  );

  it('keeps the wall time when a working day crosses the change to summer time', () => {
    expect(office.addWorkingDays(at('2025-03-28T10:00:00+01:00'), 1)).toBe(at('2025-03-31T10:00:00+02:00'));
    expect(office.addWorkingDays(at('2025-10-24T10:00:00+02:00'), 1)).toBe(at('2025-10-27T10:00:00+01:00'));
  });

  it('counts working hours across the change', () => {
    expect(office.addWorkingTime(at('2025-03-28T16:00:00+01:00'), 2 * H)).toBe(at('2025-03-31T10:00:00+02:00'));
    expect(office.workingMillisBetween(at('2025-03-28T17:00:00+01:00'), at('2025-03-31T09:00:00+02:00'))).toBe(0);
    expect(office.workingIntervalsOn('2025-03-31')).toEqual([
      { start: at('2025-03-31T07:00:00Z'), end: at('2025-03-31T15:00:00Z') },
    ]);
    expect(office.workingIntervalsOn('2025-03-28')).toEqual([
      { start: at('2025-03-28T08:00:00Z'), end: at('2025-03-28T16:00:00Z') },
    ]);
  });

  it('has a 23-hour day in spring and a 25-hour day in autumn', () => {
    expect(roundTheClock.workingMillisBetween(at('2025-03-30T00:00:00+01:00'), at('2025-03-31T00:00:00+02:00'))).toBe(
      23 * H,
    );
    expect(roundTheClock.workingMillisBetween(at('2025-10-26T00:00:00+02:00'), at('2025-10-27T00:00:00+01:00'))).toBe(
      25 * H,
    );
    expect(roundTheClock.isWorkingInstant(at('2025-03-30T01:00:00Z'))).toBe(true);
    expect(roundTheClock.addWorkingTime(at('2025-03-30T00:00:00+01:00'), 23 * H)).toBe(at('2025-03-31T00:00:00+02:00'));
  });

  it('gives a night shift across the change its real length', () => {
    const night = createCalendar(testCalendar('Europe/Berlin', { sun: [['01:00', '05:00']] }));
    expect(night.workingIntervalsOn('2025-03-23')).toEqual([
      { start: at('2025-03-23T00:00:00Z'), end: at('2025-03-23T04:00:00Z') },
    ]);
    expect(night.workingIntervalsOn('2025-03-30')).toEqual([
      { start: at('2025-03-30T00:00:00Z'), end: at('2025-03-30T03:00:00Z') },
    ]); // 3 h
    expect(night.workingIntervalsOn('2025-10-26')).toEqual([
      { start: at('2025-10-25T23:00:00Z'), end: at('2025-10-26T04:00:00Z') },
    ]); // 5 h
  });

  it('ends an interval at the jump when its end falls in the skipped hour', () => {
    const night = createCalendar(testCalendar('Europe/Berlin', { sun: [['01:00', '02:30']] }));
    expect(night.workingIntervalsOn('2025-03-30')).toEqual([
      { start: at('2025-03-30T00:00:00Z'), end: at('2025-03-30T01:00:00Z') },
    ]);
    const skipped = createCalendar(testCalendar('Europe/Berlin', { sun: [['02:15', '02:45']] }));
    expect(skipped.isWorkingDay('2025-03-30')).toBe(false);
    expect(skipped.isWorkingDay('2025-03-23')).toBe(true);
  });

  it('maps a working day into the skipped hour to the jump', () => {
    // Sat 29 Mar 02:30 CET + 1 working day → Sun 02:30 does not exist → 03:00 CEST.
    expect(roundTheClock.addWorkingDays(at('2025-03-29T02:30:00+01:00'), 1)).toBe(at('2025-03-30T03:00:00+02:00'));
  });

  it('uses the highest wall time of the day in the repeated hour, so the count stays monotonic', () => {
    // Sun 26 Oct: 02:10 CEST (first pass) → Mon 02:10; 02:10 CET (second pass, after the clock
    // showed 02:59) → Mon 03:00.
    expect(roundTheClock.addWorkingDays(at('2025-10-26T02:10:00+02:00'), 1)).toBe(at('2025-10-27T02:10:00+01:00'));
    expect(roundTheClock.addWorkingDays(at('2025-10-26T02:10:00+01:00'), 1)).toBe(at('2025-10-27T03:00:00+01:00'));
    expect(roundTheClock.addWorkingDays(at('2025-10-26T04:00:00+01:00'), 1)).toBe(at('2025-10-27T04:00:00+01:00'));
  });

  it('adds clock days at the same wall time, like Temporal', () => {
    expect(office.addDuration(at('2025-03-29T12:00:00+01:00'), d({ days: 1 }), 'clock')).toBe(
      at('2025-03-30T12:00:00+02:00'),
    );
    expect(office.addDuration(at('2025-03-29T12:00:00+01:00'), d({ hours: 24 }), 'clock')).toBe(
      at('2025-03-30T13:00:00+02:00'),
    );
    // Into the gap: 02:30 does not exist on 30 Mar; moved forward by the gap to 03:30 CEST.
    expect(office.addDuration(at('2025-03-29T02:30:00+01:00'), d({ days: 1 }), 'clock')).toBe(
      at('2025-03-30T03:30:00+02:00'),
    );
    // Into the repeated hour: the first 02:30 (CEST).
    expect(office.addDuration(at('2025-10-25T02:30:00+02:00'), d({ days: 1 }), 'clock')).toBe(
      at('2025-10-26T02:30:00+02:00'),
    );
  });
});

describe('createCalendar errors', () => {
  it('throws CAL_INVALID_CALENDAR with the issues for an invalid document', () => {
    const bad = testCalendar('Mars/Olympus', { mon: [['09:00', '17:00']] });
    let caught: unknown;
    try {
      createCalendar(bad);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CalendarError);
    const error = caught as CalendarError;
    expect(error.code).toBe('CAL_INVALID_CALENDAR');
    expect(error.issues.map((i) => i.code)).toEqual(['CAL_UNKNOWN_TIME_ZONE']);
    expect(error.message).toContain('"test"');
  });

  it('throws CAL_BAD_ARGUMENT for impossible arguments', () => {
    const t = at('2025-03-17T10:00:00+08:00');
    const codeOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (error) {
        return error instanceof CalendarError ? error.code : 'not a CalendarError';
      }
      return undefined;
    };
    expect(codeOf(() => cn.addWorkingTime(t, -1))).toBe('CAL_BAD_ARGUMENT');
    expect(codeOf(() => cn.addWorkingTime(Number.NaN, 1))).toBe('CAL_BAD_ARGUMENT');
    expect(codeOf(() => cn.addWorkingDays(t, 1.5))).toBe('CAL_BAD_ARGUMENT');
    expect(codeOf(() => cn.isWorkingDay('2025-02-30'))).toBe('CAL_BAD_ARGUMENT');
    expect(codeOf(() => cn.addDuration(t, d({ days: -1 }), 'working'))).toBe('CAL_BAD_ARGUMENT');
    expect(codeOf(() => cn.addDuration(t, d({}), 'business' as 'working'))).toBe('CAL_BAD_ARGUMENT');
    expect(codeOf(() => cn.workingMillisBetween(t, Number.POSITIVE_INFINITY))).toBe('CAL_BAD_ARGUMENT');
  });

  it('throws CAL_NO_WORKING_TIME instead of looping when years of holidays leave no working time', () => {
    const years: NonNullable<CalendarSpec['years']> = {};
    for (let y = 2030; y < 2041; y++) years[String(y)] = { holidays: [{ from: `${y}-01-01`, to: `${y}-12-31` }] };
    const closed = createCalendar({ ...testCalendar('UTC', { mon: [['09:00', '17:00']] }), years });
    expect(() => closed.nextWorkingInstant(at('2030-01-01T00:00:00Z'))).toThrow(
      expect.objectContaining({ code: 'CAL_NO_WORKING_TIME' }),
    );
    // After the closed years it works again.
    expect(closed.nextWorkingInstant(at('2041-01-01T00:00:00Z'))).toBe(at('2041-01-07T09:00:00Z'));
  });
});

describe('speed', () => {
  it('computes thousands of deadlines per second', () => {
    const start = at('2025-01-01T00:00:00+08:00');
    const count = 5000;
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      const t = start + ((i * 7919 * 60_000) % (700 * 24 * H));
      cn.addDuration(t, d({ hours: 48 }), 'working');
      cn.addDuration(t, d({ days: 3, hours: 4 }), 'working');
    }
    const perSecond = (2 * count) / ((performance.now() - t0) / 1000);
    // Measured ~100k/s on the project machine; the bound leaves room for a loaded CI box.
    expect(perSecond).toBeGreaterThan(2000);
  });
});

function countWorkingDays(year: number): number {
  let count = 0;
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 24 * H) {
    if (cn.isWorkingDay(new Date(t).toISOString().slice(0, 10))) count++;
  }
  return count;
}
