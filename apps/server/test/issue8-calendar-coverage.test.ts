import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CalendarSpec, builtinCalendars } from '@baton/definition';
import { loadCalendarsDir } from '../src/calendars/calendar-registry.ts';
import { type TestApp, backends, minimalDefinition, startTestApp, stringContaining } from './harness.ts';

// Issue 8, defect 2: a business calendar was silent outside the years it covers: on 2026-12-03
// a "3 working days" deadline already counted 2027-01-01 as a working day. Coverage is explicit
// now: GET /api/calendars, a start-up warning, validator warnings, and a flag on such tasks.

/** A clock offset that puts the server's "now" at `iso`. */
const offsetTo = (iso: string): number => Date.parse(iso) - Date.now();

function deadlineDefinition(key: string): Record<string, unknown> {
  return minimalDefinition(key, {
    calendar: 'cn-mainland',
    nodes: [
      { id: 'start', type: 'start' },
      { id: 'call', type: 'userTask', owner: { type: 'initiator' }, deadline: { duration: 'P3D', time: 'working' } },
      { id: 'end', type: 'end' },
    ],
    edges: [
      { id: 'e1', from: 'start', to: 'call' },
      { id: 'e2', from: 'call', to: 'end' },
    ],
  });
}

describe.each(backends)('issue 8: business calendar coverage ($name)', (backend) => {
  let t: TestApp;
  const warnings: { calendar?: string; coveredUntil?: string; msg: string }[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line.trim() === '') continue;
          const entry = JSON.parse(line) as { level: number; calendar?: string; coveredUntil?: string; msg: string };
          if (entry.level === 40) warnings.push(entry);
        }
        cb();
      },
    });
    t = await startTestApp(backend, {
      logger: pino({ level: 'warn' }, sink),
      clockOffsetMs: offsetTo('2026-12-03T02:00:00Z'),
    });
    const owner = t.client('owner');
    const ops = t.client('ops');
    await owner.createModel({ key: 'callback', name: { en: 'Call back' } });
    await owner.publish('callback', { definition: deadlineDefinition('callback'), state: 'current' });
    await ops.deploy('callback', { version: 1, cohort: { type: 'all' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('warns at start-up about cn-mainland, whose data ends on 2026-12-31', () => {
    expect(warnings).toEqual([
      expect.objectContaining({
        calendar: 'cn-mainland',
        coveredUntil: '2026-12-31',
        msg: stringContaining('CALENDARS_DIR'),
      }),
    ]);
  });

  it('lists each calendar with its covered years (GET /api/calendars), to logged-in users only', async () => {
    const rep = t.client('rep1');
    expect(await rep.listCalendars()).toEqual([
      {
        key: 'cn-mainland',
        name: builtinCalendars['cn-mainland'].name,
        years: [2025, 2026],
        coveredUntil: '2026-12-31',
      },
      { key: 'standard', name: builtinCalendars.standard.name, years: [], coveredUntil: null },
    ]);
    await expect(t.client().listCalendars()).rejects.toMatchObject({ status: 401 });
  });

  it('flags a deadline counted past the calendar on the task (stored) and in history', async () => {
    const rep = t.client('rep1');
    // 2026-12-03 + 3 working days stays inside 2026: no flag.
    const early = await rep.startInstance('callback');
    expect(early.next[0]).toMatchObject({ nodeId: 'call', deadlineWarning: null });
    // 2026-12-29 + 3 working days runs into 2027, which cn-mainland does not cover.
    t.app.runtime.setClockOffset(offsetTo('2026-12-29T02:00:00Z'));
    const late = await rep.startInstance('callback');
    expect(late.next[0]).toMatchObject({ nodeId: 'call', deadlineWarning: 'beyond-calendar' });
    const stored = await rep.listTasks({ instance: late.instance.id });
    expect(stored[0]).toMatchObject({ deadlineWarning: 'beyond-calendar' });
    const history = (await rep.getInstance(late.instance.id)).history.find((h) => h.type === 'task.created');
    expect(history?.data).toMatchObject({ deadlineWarning: 'beyond-calendar' });
    t.app.runtime.setClockOffset(offsetTo('2026-12-03T02:00:00Z'));
  });

  it("reports DEF_CALENDAR_ENDING among a definition's issues, judged on the server's clock", async () => {
    const owner = t.client('owner');
    const broken = { ...deadlineDefinition('callback'), edges: [{ id: 'e1', from: 'start', to: 'gone' }] };
    // A draft is saved with its issues; publishing it is refused with the same issues.
    const draft = await owner.createVersion('callback', { definition: broken, state: 'current' });
    expect(draft.issues).toContainEqual(
      expect.objectContaining({ code: 'DEF_CALENDAR_ENDING', path: '/calendar', severity: 'warning' }),
    );
    const error = await owner.publishVersion('callback', draft.number).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 'API_INVALID_DEFINITION' });
    expect((error as { issues: { code: string; path: string; severity?: string }[] }).issues).toContainEqual(
      expect.objectContaining({ code: 'DEF_CALENDAR_ENDING', path: '/calendar', severity: 'warning' }),
    );
  });
});

describe("issue 8: next year's schedule without a code change (CALENDARS_DIR)", () => {
  let dir: string;
  let t: TestApp;
  const withNextYear: CalendarSpec = {
    ...builtinCalendars['cn-mainland'],
    years: {
      ...builtinCalendars['cn-mainland'].years,
      '2027': { source: 'test', holidays: [{ from: '2027-01-01', to: '2027-01-01' }] },
    },
  };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'baton-calendars-'));
    await writeFile(path.join(dir, 'cn-mainland.json'), JSON.stringify(withNextYear));
    t = await startTestApp(backends[0]!, {
      calendars: loadCalendarsDir(dir),
      clockOffsetMs: offsetTo('2026-12-29T02:00:00Z'),
    });
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('replaces the shipped calendar: 2027 is covered and deadlines into it are not flagged', async () => {
    const owner = t.client('owner');
    const ops = t.client('ops');
    const rep = t.client('rep1');
    expect((await rep.listCalendars()).find((c) => c.key === 'cn-mainland')).toMatchObject({
      years: [2025, 2026, 2027],
      coveredUntil: '2027-12-31',
    });
    await owner.createModel({ key: 'callback', name: { en: 'Call back' } });
    await owner.publish('callback', { definition: deadlineDefinition('callback'), state: 'current' });
    await ops.deploy('callback', { version: 1, cohort: { type: 'all' } });
    const started = await rep.startInstance('callback');
    expect(started.next[0]).toMatchObject({ deadlineWarning: null });
    // 2026-12-29 09:00 + 3 working days, 2027-01-01 a holiday: Monday 2027-01-04.
    expect(started.next[0]?.dueAt).toMatch(/^2027-01-04T02:00:/);
  });

  it('refuses a calendar file that does not match the calendar schema, naming the file', async () => {
    const bad = await mkdtemp(path.join(tmpdir(), 'baton-calendars-bad-'));
    await writeFile(path.join(bad, 'broken.json'), JSON.stringify({ id: 'x', name: { en: 'X' } }));
    expect(() => loadCalendarsDir(bad)).toThrow(/broken\.json is not a valid calendar/);
    await rm(bad, { recursive: true, force: true });
  });
});
