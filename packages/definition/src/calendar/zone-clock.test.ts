import { describe, expect, it } from 'vitest';
import {
  civilFromDays,
  daysFromCivil,
  formatLocalDate,
  parseLocalDate,
  parseTimeOfDay,
  weekdayIndex,
} from './local-date.ts';
import { findZoneClock } from './zone-clock.ts';

const H = 3_600_000;
const wallOf = (iso: string): number => Date.parse(`${iso}Z`); // local wall time read as UTC

describe('local dates', () => {
  it('converts day numbers both ways', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2025, 10, 1)).toBe(Date.UTC(2025, 9, 1) / 86_400_000);
    expect(civilFromDays(daysFromCivil(2000, 2, 29))).toEqual({ year: 2000, month: 2, day: 29 });
    for (let n = -800_000; n < 800_000; n += 997) {
      const { year, month, day } = civilFromDays(n);
      expect(daysFromCivil(year, month, day)).toBe(n);
    }
  });

  it('parses only real dates and times', () => {
    expect(parseLocalDate('2024-02-29')).toBe(daysFromCivil(2024, 2, 29));
    expect(parseLocalDate('2025-02-29')).toBeUndefined();
    expect(parseLocalDate('2025-13-01')).toBeUndefined();
    expect(parseLocalDate('2025-1-01')).toBeUndefined();
    expect(formatLocalDate(daysFromCivil(2026, 1, 4))).toBe('2026-01-04');
    expect(parseTimeOfDay('24:00', true)).toBe(1440);
    expect(parseTimeOfDay('24:00', false)).toBeUndefined();
    expect(parseTimeOfDay('23:59', false)).toBe(1439);
    expect(parseTimeOfDay('12:60', true)).toBeUndefined();
  });

  it('knows the weekday (0 = Monday)', () => {
    expect(weekdayIndex(daysFromCivil(2025, 9, 28))).toBe(6); // Sunday
    expect(weekdayIndex(daysFromCivil(2025, 10, 11))).toBe(5); // Saturday
    expect(weekdayIndex(daysFromCivil(1969, 12, 29))).toBe(0); // Monday, before the epoch
  });
});

describe('findZoneClock', () => {
  it('returns undefined for zones Intl does not know', () => {
    expect(findZoneClock('Mars/Olympus')).toBeUndefined();
    expect(findZoneClock('')).toBeUndefined();
  });

  it.each([
    ['Asia/Shanghai', '2025-07-01T00:00:00Z', 8 * H],
    ['Europe/Berlin', '2025-01-15T12:00:00Z', 1 * H],
    ['Europe/Berlin', '2025-07-15T12:00:00Z', 2 * H],
    ['Asia/Kolkata', '2025-07-01T00:00:00Z', 5.5 * H],
    ['Asia/Kathmandu', '2025-07-01T00:00:00Z', 5.75 * H],
    ['America/New_York', '2025-01-15T12:00:00Z', -5 * H],
    ['Australia/Lord_Howe', '2025-01-15T12:00:00Z', 11 * H],
    ['Australia/Lord_Howe', '2025-07-15T12:00:00Z', 10.5 * H],
    ['UTC', '2025-07-01T00:00:00Z', 0],
  ])('%s at %s has offset %i ms', (zone, iso, offset) => {
    expect(findZoneClock(zone)?.offsetAt(Date.parse(iso))).toBe(offset);
  });

  it('switches offset at the exact second of a transition', () => {
    const berlin = findZoneClock('Europe/Berlin')!;
    const change = Date.parse('2025-03-30T01:00:00Z');
    expect(berlin.offsetAt(change - 1)).toBe(1 * H);
    expect(berlin.offsetAt(change)).toBe(2 * H);
    expect(berlin.firstOffsetChange(change - 5 * H, change + 5 * H)).toBe(change);
  });

  it('maps wall times to instants in normal, skipped and repeated hours', () => {
    const berlin = findZoneClock('Europe/Berlin')!;
    expect(berlin.toInstant(wallOf('2025-03-30T01:30:00'), 'compatible')).toBe(Date.parse('2025-03-30T00:30:00Z'));
    // Skipped: 02:30 does not exist.
    expect(berlin.toInstant(wallOf('2025-03-30T02:30:00'), 'compatible')).toBe(Date.parse('2025-03-30T01:30:00Z')); // 03:30 CEST
    expect(berlin.toInstant(wallOf('2025-03-30T02:30:00'), 'monotone')).toBe(Date.parse('2025-03-30T01:00:00Z')); // 03:00 CEST
    // Repeated: 02:30 happens twice; both pick the first.
    expect(berlin.toInstant(wallOf('2025-10-26T02:30:00'), 'compatible')).toBe(Date.parse('2025-10-26T00:30:00Z'));
    expect(berlin.toInstant(wallOf('2025-10-26T02:30:00'), 'monotone')).toBe(Date.parse('2025-10-26T00:30:00Z'));
    expect(berlin.localDay(Date.parse('2025-10-25T22:30:00Z'))).toBe(daysFromCivil(2025, 10, 26));
  });

  it('handles a zone whose clocks change at midnight (America/Santiago)', () => {
    // 2025-09-07 00:00 → 01:00 (spring forward at midnight, 04:00Z).
    const santiago = findZoneClock('America/Santiago')!;
    expect(santiago.toInstant(wallOf('2025-09-07T00:00:00'), 'monotone')).toBe(Date.parse('2025-09-07T04:00:00Z'));
    expect(santiago.toInstant(wallOf('2025-09-07T00:30:00'), 'compatible')).toBe(Date.parse('2025-09-07T04:30:00Z'));
  });
});
