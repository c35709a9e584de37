import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinCalendars } from './builtin-calendars.ts';
import type { CalendarSpec, CalendarYear, WorkingInterval } from './calendar-spec.ts';
import { type BusinessCalendar, createCalendar } from './create-calendar.ts';
import { weekdayKeys } from './local-date.ts';
import { validateCalendar } from './validate-calendar.ts';
import { findZoneClock } from './zone-clock.ts';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const H = 3_600_000;
const DAY = 24 * H;
const FROM = Date.parse('2024-11-01T00:00:00Z');
const TO = Date.parse('2027-03-01T00:00:00Z');

const DST_ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'America/Santiago',
  'America/Havana',
  'Pacific/Chatham',
];
const FIXED_ZONES = ['UTC', 'Asia/Shanghai', 'Asia/Kolkata', 'Asia/Kathmandu'];

const hhmm = (minute: number): string =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
const isoDate = (t: number): string => new Date(t).toISOString().slice(0, 10);

/** A day's hours: up to three ordered, non-overlapping intervals on a 15-minute grid. */
const dayHours = fc.uniqueArray(fc.integer({ min: 0, max: 96 }), { maxLength: 6 }).map((points) => {
  const sorted = [...points].sort((a, b) => a - b);
  const out: WorkingInterval[] = [];
  for (let i = 0; i + 1 < sorted.length; i += 2)
    out.push([hhmm((sorted[i] as number) * 15), hhmm((sorted[i + 1] as number) * 15)]);
  return out;
});

/** Random valid calendars: weekly hours, and holidays / make-up workdays in 2025 and 2026. */
const calendarSpec = (zones: string[]) =>
  fc
    .record({
      timeZone: fc.constantFrom(...zones),
      week: fc.array(dayHours, { minLength: 7, maxLength: 7 }),
      holidays: fc.array(
        fc.record({
          year: fc.constantFrom(2025, 2026),
          start: fc.integer({ min: 0, max: 360 }),
          length: fc.integer({ min: 0, max: 9 }),
        }),
        { maxLength: 8 },
      ),
      workdays: fc.array(
        fc.record({
          year: fc.constantFrom(2025, 2026),
          day: fc.integer({ min: 0, max: 364 }),
          hoursOf: fc.integer({ min: 0, max: 6 }),
        }),
        { maxLength: 6 },
      ),
    })
    .filter(({ week }) => week.some((d) => d.length > 0))
    .map(({ timeZone, week, holidays, workdays }): CalendarSpec => {
      const workingHours = Object.fromEntries(
        weekdayKeys.map((k, i) => [k, week[i] ?? []]),
      ) as CalendarSpec['workingHours'];
      const years: Record<string, CalendarYear> = {
        '2025': { holidays: [], workdays: [] },
        '2026': { holidays: [], workdays: [] },
      };
      const holidayDays = new Set<string>();
      for (const h of holidays) {
        const first = Date.UTC(h.year, 0, 1) + h.start * DAY;
        const last = Math.min(first + h.length * DAY, Date.UTC(h.year, 11, 31));
        const days: string[] = [];
        for (let t = first; t <= last; t += DAY) days.push(isoDate(t));
        if (days.some((day) => holidayDays.has(day))) continue; // overlapping ranges only warn; keep the data clean
        years[h.year]?.holidays?.push({ from: isoDate(first), to: isoDate(last) });
        for (const day of days) holidayDays.add(day);
      }
      const taken = new Set<string>();
      for (const w of workdays) {
        const t = Date.UTC(w.year, 0, 1) + w.day * DAY;
        const date = isoDate(t);
        const weekday = (new Date(t).getUTCDay() + 6) % 7; // 0 = Monday
        const source = [w.hoursOf, ...weekdayKeys.keys()].find((i) => (week[i]?.length ?? 0) > 0) ?? 0;
        // Valid make-up workdays only: on a day off, not a holiday, not listed twice.
        if ((week[weekday]?.length ?? 0) > 0 || holidayDays.has(date) || taken.has(date)) continue;
        taken.add(date);
        years[w.year]?.workdays?.push({ date, hoursOf: weekdayKeys[source] });
      }
      return { id: 'random', name: { en: 'Random' }, timeZone, workingHours, years };
    });

/** Every offset change of the daylight-saving zones in the test range, found hour by hour. */
const transitions: number[] = [];
for (const zone of DST_ZONES) {
  const clock = findZoneClock(zone)!;
  for (let t = FROM; t < TO; t += H)
    if (clock.offsetAt(t) !== clock.offsetAt(t + H)) transitions.push(clock.firstOffsetChange(t, t + H));
}
/** Instants anywhere in the range, half of them within two days of a daylight-saving change. */
const instant = fc.oneof(
  fc.integer({ min: FROM, max: TO }),
  fc.tuple(fc.constantFrom(...transitions), fc.integer({ min: -2 * DAY, max: 2 * DAY })).map(([t, d]) => t + d),
);
it('finds the daylight-saving changes it concentrates on', () => {
  expect(transitions.length).toBeGreaterThanOrEqual(DST_ZONES.length * 4);
  expect(transitions).toContain(Date.parse('2025-03-30T01:00:00Z'));
});

const workingMs = fc.oneof(fc.integer({ min: 1, max: 60_000 }), fc.integer({ min: 1, max: 300 * H }));
const anyCalendar = fc.oneof(
  calendarSpec([...DST_ZONES, ...FIXED_ZONES]),
  fc.constant(builtinCalendars['cn-mainland']),
  fc.constant(builtinCalendars.standard),
);

const cache = new Map<CalendarSpec, BusinessCalendar>();
const calendarOf = (spec: CalendarSpec): BusinessCalendar => {
  let calendar = cache.get(spec);
  if (!calendar) cache.set(spec, (calendar = createCalendar(spec)));
  return calendar;
};

describe('calendar maths properties (seeded)', () => {
  it('generates valid calendars', () => {
    fc.assert(
      fc.property(calendarSpec([...DST_ZONES, ...FIXED_ZONES]), (spec) => {
        expect(validateCalendar(spec).issues).toEqual([]);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('addWorkingTime(t, d) is the earliest instant with d working ms since t, and lands in working time or exactly at an interval end', () => {
    fc.assert(
      fc.property(anyCalendar, instant, workingMs, (spec, t, d) => {
        const calendar = calendarOf(spec);
        const r = calendar.addWorkingTime(t, d);
        expect(r).toBeGreaterThan(t);
        expect(calendar.workingMillisBetween(t, r)).toBe(d);
        // Earliest: one millisecond less is one working millisecond short …
        expect(calendar.workingMillisBetween(t, r - 1)).toBe(d - 1);
        // … so the millisecond before r is working time: r is inside an interval or at its end.
        expect(calendar.isWorkingInstant(r - 1)).toBe(true);
        expect(calendar.addWorkingTime(t, 0)).toBe(t);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('is monotonic in the start and in the amount', () => {
    fc.assert(
      fc.property(
        anyCalendar,
        instant,
        instant,
        workingMs,
        workingMs,
        fc.integer({ min: 0, max: 15 }),
        (spec, a, b, d1, d2, n) => {
          const calendar = calendarOf(spec);
          const [t1, t2] = a <= b ? [a, b] : [b, a];
          const [small, large] = d1 <= d2 ? [d1, d2] : [d2, d1];
          expect(calendar.addWorkingTime(t1, small)).toBeLessThanOrEqual(calendar.addWorkingTime(t2, small));
          expect(calendar.addWorkingTime(t1, small)).toBeLessThanOrEqual(calendar.addWorkingTime(t1, large));
          expect(calendar.addWorkingDays(t1, n)).toBeLessThanOrEqual(calendar.addWorkingDays(t2, n));
          expect(calendar.addWorkingDays(t1, n)).toBeLessThanOrEqual(calendar.addWorkingDays(t1, n + 1));
          expect(calendar.nextWorkingInstant(t1)).toBeLessThanOrEqual(calendar.nextWorkingInstant(t2));
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('addWorkingDays stays monotonic around daylight-saving changes, repeated hours included', () => {
    const nearChange = fc.tuple(
      fc.constantFrom(...transitions),
      fc.integer({ min: -3 * H, max: 3 * H }),
      fc.integer({ min: 0, max: 2 * H }),
    );
    // Night hours on every day, so the repeated and skipped hours are working time.
    const nightShifts = fc.constantFrom(...DST_ZONES).map((timeZone): CalendarSpec => ({
      id: 'nights',
      name: { en: 'Nights' },
      timeZone,
      workingHours: Object.fromEntries(
        weekdayKeys.map((k) => [
          k,
          [
            ['00:00', '04:00'],
            ['21:00', '24:00'],
          ],
        ]),
      ) as CalendarSpec['workingHours'],
    }));
    fc.assert(
      fc.property(
        fc.oneof(calendarSpec(DST_ZONES), nightShifts),
        nearChange,
        fc.integer({ min: 1, max: 3 }),
        (spec, [change, offset, gap], n) => {
          const calendar = calendarOf(spec);
          const t1 = change + offset;
          expect(calendar.addWorkingDays(t1, n)).toBeLessThanOrEqual(calendar.addWorkingDays(t1 + gap, n));
        },
      ),
      { seed, numRuns: 1000 },
    );
  });

  it('workingMillisBetween is additive and agrees with isWorkingInstant', () => {
    fc.assert(
      fc.property(
        anyCalendar,
        instant,
        fc.integer({ min: 0, max: 20 * DAY }),
        fc.integer({ min: 0, max: 20 * DAY }),
        (spec, a, x, y) => {
          const calendar = calendarOf(spec);
          const b = a + x;
          const c = b + y;
          expect(calendar.workingMillisBetween(a, b) + calendar.workingMillisBetween(b, c)).toBe(
            calendar.workingMillisBetween(a, c),
          );
          expect(calendar.workingMillisBetween(c, a)).toBe(0);
          expect(calendar.workingMillisBetween(a, a + 1)).toBe(calendar.isWorkingInstant(a) ? 1 : 0);
          const next = calendar.nextWorkingInstant(a);
          expect(calendar.isWorkingInstant(next)).toBe(true);
          expect(calendar.workingMillisBetween(a, next)).toBe(0);
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('addWorkingDays lands in the working time of the n-th working day after the start', () => {
    fc.assert(
      fc.property(anyCalendar, instant, fc.integer({ min: 0, max: 12 }), (spec, t, n) => {
        const calendar = calendarOf(spec);
        const start = calendar.nextWorkingInstant(t);
        const r = calendar.addWorkingDays(t, n);
        if (n === 0) {
          expect(r).toBe(start);
          return;
        }
        // Find the local date whose intervals hold `start`, then step n working dates on.
        let date = Date.UTC(...ymd(start, spec.timeZone)) - DAY;
        while (!calendar.workingIntervalsOn(isoDate(date)).some((i) => i.start <= start && start < i.end)) date += DAY;
        for (let count = 0; count < n;) {
          date += DAY;
          if (calendar.isWorkingDay(isoDate(date))) count++;
        }
        const intervals = calendar.workingIntervalsOn(isoDate(date));
        expect(intervals.some((i) => i.start <= r && r <= i.end)).toBe(true);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('agrees with a naive wall-clock check in zones without daylight saving', () => {
    fc.assert(
      fc.property(calendarSpec(FIXED_ZONES), instant, (spec, t) => {
        const calendar = calendarOf(spec);
        for (let k = 0; k < 30; k++) {
          const probe = t + k * 47 * 60_000;
          expect(calendar.isWorkingInstant(probe)).toBe(naiveIsWorking(spec, probe));
        }
      }),
      { seed, numRuns: 150 },
    );
  });

  it('counts the same working minutes as stepping minute by minute (no daylight saving)', () => {
    fc.assert(
      fc.property(calendarSpec(FIXED_ZONES), instant, fc.integer({ min: 1, max: 2 * 24 * 60 }), (spec, t, minutes) => {
        const calendar = calendarOf(spec);
        const a = Math.floor(t / 60_000) * 60_000;
        let naive = 0;
        for (let m = 0; m < minutes; m++) if (naiveIsWorking(spec, a + m * 60_000)) naive += 60_000;
        expect(calendar.workingMillisBetween(a, a + minutes * 60_000)).toBe(naive);
      }),
      { seed, numRuns: 40 },
    );
  });
});

const formatters = new Map<string, Intl.DateTimeFormat>();
function ymd(t: number, timeZone: string): [number, number, number] {
  const p = localParts(t, timeZone);
  return [p.year, p.month - 1, p.day];
}
function localParts(
  t: number,
  timeZone: string,
): { year: number; month: number; day: number; minuteOfDay: number; weekday: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(t).map((p) => [p.type, p.value]));
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const minuteOfDay = Number(parts.hour) * 60 + Number(parts.minute) + Number(parts.second) / 60 + (t % 1000) / 60_000;
  return { year, month, day, minuteOfDay, weekday: (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7 };
}

/** Working time by reading the wall clock and the calendar data directly. */
function naiveIsWorking(spec: CalendarSpec, t: number): boolean {
  const { year, month, day, minuteOfDay, weekday } = localParts(t, spec.timeZone);
  const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const entry = spec.years?.[String(year)];
  const workday = entry?.workdays?.find((w) => w.date === date);
  let hours: WorkingInterval[];
  if (workday) hours = spec.workingHours[workday.hoursOf ?? 'mon'];
  else if (entry?.holidays?.some((h) => h.from <= date && date <= h.to)) hours = [];
  else hours = spec.workingHours[weekdayKeys[weekday] ?? 'mon'];
  const minute = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  return hours.some(([s, e]) => minute(s) <= minuteOfDay && minuteOfDay < minute(e));
}
