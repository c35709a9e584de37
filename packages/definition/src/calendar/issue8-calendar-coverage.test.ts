import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../validate-definition.ts';
import { builtinCalendars } from './builtin-calendars.ts';
import { daysOfCoverageLeft, toCalendarCoverage } from './calendar-coverage.ts';
import { createCalendar } from './create-calendar.ts';

// Issue 8, defect 2: a calendar was silent outside the years its holiday data covers.
const definition = {
  schemaVersion: 1,
  key: 'cal',
  name: { en: 'Cal' },
  calendar: 'cn-mainland',
  nodes: [
    { id: 'start', type: 'start' },
    { id: 'call', type: 'userTask', owner: { type: 'initiator' }, deadline: { duration: 'P3D' } },
    { id: 'end', type: 'end' },
  ],
  edges: [
    { id: 'e1', from: 'start', to: 'call' },
    { id: 'e2', from: 'call', to: 'end' },
  ],
};

describe('issue 8: calendar coverage', () => {
  it('tells which years a calendar covers and until when', () => {
    expect(toCalendarCoverage(builtinCalendars['cn-mainland'])).toEqual({
      years: [2025, 2026],
      coveredUntil: '2026-12-31',
    });
    expect(toCalendarCoverage(builtinCalendars.standard)).toEqual({ years: [], coveredUntil: null });
    expect(daysOfCoverageLeft('2026-12-31', '2026-12-03')).toBe(28);
    expect(daysOfCoverageLeft(null, '2026-12-03')).toBeUndefined();
    const cn = createCalendar(builtinCalendars['cn-mainland']);
    expect(cn.coveredUntil).toBe('2026-12-31');
    expect(cn.covers(Date.parse('2026-12-03T02:00:00Z'), Date.parse('2026-12-08T02:00:00Z'))).toBe(true);
    // 2027-01-01 00:30 in Beijing is still 2026 in UTC: the calendar's own zone decides.
    expect(cn.covers(Date.parse('2026-12-29T02:00:00Z'), Date.parse('2026-12-31T16:30:00Z'))).toBe(false);
    expect(createCalendar(builtinCalendars.standard).covers(0, Date.parse('2099-01-01T00:00:00Z'))).toBe(true);
  });

  it('warns when a used calendar ends within 60 days of the given today, and only then', () => {
    const soon = validateDefinition(definition, { today: '2026-12-03' });
    expect(soon.ok).toBe(true);
    expect(soon.issues).toEqual([
      expect.objectContaining({
        code: 'DEF_CALENDAR_ENDING',
        path: '/calendar',
        severity: 'warning',
        message: expect.stringContaining('2026-12-31 (in 28 days)') as unknown,
      }),
    ]);
    expect(validateDefinition(definition, { today: '2027-02-01' }).issues[0]?.message).toContain('ended on 2026-12-31');
    expect(validateDefinition(definition, { today: '2026-09-01' }).issues).toEqual([]);
    // Pure: without today, no warning.
    expect(validateDefinition(definition).issues).toEqual([]);
    // A calendar whose coverage the caller knows better (next year added) is judged by that.
    expect(
      validateDefinition(definition, { today: '2026-12-03', calendarCoverage: { 'cn-mainland': '2027-12-31' } }).issues,
    ).toEqual([]);
    // A definition on the standard calendar (no holiday data) never gets the warning.
    expect(validateDefinition({ ...definition, calendar: 'standard' }, { today: '2026-12-03' }).issues).toEqual([]);
  });
});
