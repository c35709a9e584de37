import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, apiError, backends, minimalDefinition, startTestApp } from './harness.ts';

/** A clock offset that puts the server's "now" at `iso`. */
const offsetTo = (iso: string): number => Date.parse(iso) - Date.now();

// The shipped Mainland China calendar ends on 2026-12-31. An operator adds 2027 through the API
// (no code change, no restart) and a deadline counted into 2027 skips the holidays added.
const year2027 = {
  source: 'test notice',
  holidays: [
    { from: '2027-01-01', to: '2027-01-01', name: { 'zh-CN': '元旦', en: "New Year's Day" } },
    { from: '2027-01-04', to: '2027-01-04', name: { 'zh-CN': '调休', en: 'Bridge day' } },
  ],
  workdays: [{ date: '2027-01-09', name: { 'zh-CN': '补班', en: 'Make-up day' } }],
};

describe.each(backends)('calendar years stored through the API ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { clockOffsetMs: offsetTo('2026-12-31T02:00:00Z') });
    const owner = t.client('owner');
    await owner.createModel({ key: 'callback', name: { en: 'Call back' } });
    await owner.publish('callback', {
      definition: minimalDefinition('callback', {
        calendar: 'cn-mainland',
        nodes: [
          { id: 'start', type: 'start' },
          { id: 'call', type: 'userTask', owner: { type: 'initiator' }, deadline: { duration: 'P1D' } },
          { id: 'end', type: 'end' },
        ],
        edges: [
          { id: 'e1', from: 'start', to: 'call' },
          { id: 'e2', from: 'call', to: 'end' },
        ],
      }),
      state: 'current',
    });
    await t.client('ops').deploy('callback', { version: 1, cohort: { type: 'all' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("gives a calendar with every year's schedule to any logged-in user", async () => {
    const cn = await t.client('rep1').getCalendar('cn-mainland');
    expect(cn).toMatchObject({
      key: 'cn-mainland',
      timeZone: 'Asia/Shanghai',
      years: [2025, 2026],
      coveredUntil: '2026-12-31',
      storedYears: [],
    });
    expect(cn.schedules['2026']!.holidays!.length).toBeGreaterThan(3);
    expect(cn.warningDays).toBe(60);
    expect(await apiError(t.client('rep1').getCalendar('moon'))).toMatchObject({
      status: 404,
      code: 'API_CALENDAR_NOT_FOUND',
    });
  });

  it('lets only operators and admins store a year', async () => {
    expect(await apiError(t.client('rep1').putCalendarYear('cn-mainland', 2027, year2027))).toMatchObject({
      status: 403,
    });
    expect(await apiError(t.client('owner').putCalendarYear('cn-mainland', 2027, year2027))).toMatchObject({
      status: 403,
    });
    expect(await t.count('calendar_years')).toBe(0);
  });

  it('refuses a schedule the calendar checks reject, naming the field, and stores nothing', async () => {
    const ops = t.client('ops');
    const wrongYear = await apiError(
      ops.putCalendarYear('cn-mainland', 2027, { holidays: [{ from: '2028-01-01', to: '2028-01-01' }] }),
    );
    expect(wrongYear).toMatchObject({ status: 400, code: 'API_INVALID_CALENDAR' });
    expect(wrongYear.issues.map((i) => i.path)).toContain('/holidays/0/from');
    // A make-up workday must fall on a day off: 2027-01-06 is a Wednesday.
    const notOff = await apiError(ops.putCalendarYear('cn-mainland', 2027, { workdays: [{ date: '2027-01-06' }] }));
    expect(notOff.issues.map((i) => i.path)).toEqual(['/workdays/0/date']);
    const unknownField = await t.request({
      method: 'PUT',
      url: '/api/calendars/cn-mainland/years/2027',
      as: 'ops',
      body: { holidays: [], extra: 1 },
    });
    expect(unknownField.statusCode).toBe(400);
    expect(await apiError(ops.putCalendarYear('moon', 2027, year2027))).toMatchObject({ status: 404 });
    expect(await t.count('calendar_years')).toBe(0);
  });

  it('stores 2027: the calendar covers it at once and a new deadline skips the holidays added', async () => {
    const rep = t.client('rep1');
    // Before: P1D from Thu 2026-12-31 10:00 Beijing time lands on Fri 2027-01-01, flagged.
    const before = await rep.startInstance('callback');
    expect(before.next[0]).toMatchObject({ deadlineWarning: 'beyond-calendar' });
    expect(before.next[0]!.dueAt!.slice(0, 13)).toBe('2027-01-01T02');

    const stored = await t.client('ops').putCalendarYear('cn-mainland', 2027, year2027);
    expect(stored).toMatchObject({ years: [2025, 2026, 2027], coveredUntil: '2027-12-31', storedYears: [2027] });
    expect(stored.schedules['2027']).toEqual(year2027);
    expect((await rep.listCalendars()).find((c) => c.key === 'cn-mainland')).toMatchObject({
      coveredUntil: '2027-12-31',
    });

    // After: Jan 1 (Fri) and Jan 4 (Mon) are holidays, the weekend is off: Tue 2027-01-05 10:00.
    const after = await rep.startInstance('callback');
    expect(after.next[0]!.dueAt!.slice(0, 13)).toBe('2027-01-05T02');
    expect(after.next[0]!.deadlineWarning).toBeNull();
  });

  it('corrects a stored year by storing it again', async () => {
    const ops = t.client('ops');
    const corrected = await ops.putCalendarYear('cn-mainland', 2027, { holidays: [year2027.holidays[0]!] });
    expect(corrected.schedules['2027']!.holidays).toHaveLength(1);
    expect(await t.count('calendar_years')).toBe(1);
  });
});
