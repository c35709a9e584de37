import { describe, expect, it } from 'vitest';
import { deadlineView } from './time-left.ts';

const at = '2026-12-04T02:00:00.000Z';
const hour = 3_600_000;

describe('deadlineView', () => {
  it('is normal with more than a quarter of the working time left', () => {
    expect(deadlineView({ calendar: 'cn-mainland', workingMs: 3 * hour, totalWorkingMs: 8 * hour, at }, null)).toEqual({
      tone: 'normal',
      hours: 3,
      minutes: 0,
    });
  });

  it('turns amber in the last quarter, the quarter itself included', () => {
    const view = (ms: number) =>
      deadlineView({ calendar: 'cn-mainland', workingMs: ms, totalWorkingMs: 8 * hour, at }, null).tone;
    expect(view(2 * hour + 1)).toBe('normal');
    expect(view(2 * hour)).toBe('soon');
    expect(view(60_000)).toBe('soon');
  });

  it('turns red once overdue, counting the working time past the deadline (rounded up)', () => {
    expect(
      deadlineView({ calendar: 'cn-mainland', workingMs: -(hour + 30_001), totalWorkingMs: 8 * hour, at }, null),
    ).toEqual({ tone: 'overdue', hours: 1, minutes: 1 });
  });

  it('is red when the deadline passed outside working time (no working time past it yet)', () => {
    expect(
      deadlineView({ calendar: 'cn-mainland', workingMs: 0, totalWorkingMs: 8 * hour, at }, '2026-12-04T01:00:00.000Z')
        .tone,
    ).toBe('overdue');
  });

  it('rounds the time left down to whole minutes', () => {
    expect(
      deadlineView({ calendar: 'standard', workingMs: 25 * hour + 59_999, totalWorkingMs: 40 * hour, at }, null),
    ).toEqual({ tone: 'normal', hours: 25, minutes: 0 });
  });
});
