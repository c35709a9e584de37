import { describe, expect, it } from 'vitest';
import { daysUntil, toDayKinds, weekdayOf } from './year-days.ts';

const weekdays = { mon: [1], tue: [1], wed: [1], thu: [1], fri: [1], sat: [], sun: [] };

describe('toDayKinds', () => {
  it('marks holiday ranges, make-up workdays and weekends, holidays first', () => {
    const kinds = toDayKinds(2027, weekdays, {
      holidays: [{ from: '2027-02-06', to: '2027-02-12' }],
      workdays: [{ date: '2027-02-14' }],
    });
    expect(kinds.size).toBe(365);
    expect(['2027-02-05', '2027-02-06', '2027-02-12', '2027-02-13', '2027-02-14'].map((d) => kinds.get(d))).toEqual([
      'work',
      'holiday',
      'holiday',
      'off',
      'workday',
    ]);
  });

  it('counts the days left until the end of coverage, negative once past', () => {
    expect(daysUntil('2026-12-31', '2026-12-04')).toBe(27);
    expect(daysUntil('2026-12-31', '2027-01-02')).toBe(-2);
    expect(weekdayOf(2027, 1, 1)).toBe(4); // a Friday
  });
});
