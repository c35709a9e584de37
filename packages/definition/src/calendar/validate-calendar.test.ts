import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import cnMainlandJson from '../../calendars/cn-mainland.json' with { type: 'json' };
import standardJson from '../../calendars/standard.json' with { type: 'json' };
import { builtinCalendars } from './builtin-calendars.ts';
import { type CalendarIssue, calendarErrorCodes, calendarIssueCodes } from './calendar-error.ts';
import { validateCalendar } from './validate-calendar.ts';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

/** A tiny RFC 6901 resolver, independent of the package's own. */
function resolvePointer(document: unknown, pointer: string): { found: boolean; value?: unknown } {
  if (pointer === '') return { found: true, value: document };
  if (!pointer.startsWith('/')) return { found: false };
  let current = document;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(current) && /^(0|[1-9]\d*)$/.test(key) && Number(key) < current.length)
      current = current[Number(key)];
    else if (current !== null && typeof current === 'object' && !Array.isArray(current) && Object.hasOwn(current, key))
      current = (current as Record<string, unknown>)[key];
    else return { found: false };
  }
  return { found: true, value: current };
}

type Json = Record<string, unknown>;
const fresh = (): Json => JSON.parse(JSON.stringify(cnMainlandJson)) as Json;

/** The value at a JSON Pointer of a test document; a pointer that names nothing fails the test. */
function at(doc: unknown, pointer: string): unknown {
  const found = resolvePointer(doc, pointer);
  if (!found.found) throw new Error(`The test document has nothing at ${pointer}.`);
  return found.value;
}
/** The list at a JSON Pointer of a test document. */
function listAt(doc: unknown, pointer: string): unknown[] {
  const value = at(doc, pointer);
  if (!Array.isArray(value)) throw new Error(`The test document has no list at ${pointer}.`);
  return value;
}
/** The object or list holding a JSON Pointer's last segment, and that segment. */
function parentOf(doc: unknown, pointer: string): [Record<string, unknown>, string] {
  const slash = pointer.lastIndexOf('/');
  const parent = at(doc, pointer.slice(0, slash));
  if (parent === null || typeof parent !== 'object')
    throw new Error(`The test document has no object or list at ${pointer.slice(0, slash)}.`);
  return [parent as Record<string, unknown>, pointer.slice(slash + 1)];
}
/** Writes a value at a JSON Pointer of a test document (its parent must exist). */
function put(doc: unknown, pointer: string, value: unknown): void {
  const [parent, key] = parentOf(doc, pointer);
  parent[key] = value;
}
/** Deletes the property at a JSON Pointer of a test document. */
function drop(doc: unknown, pointer: string): void {
  const [parent, key] = parentOf(doc, pointer);
  delete parent[key];
}
const codesSeen = new Set<string>();

function issuesOf(input: unknown): CalendarIssue[] {
  const result = validateCalendar(input);
  for (const i of result.issues) {
    codesSeen.add(i.code);
    expect(resolvePointer(input, i.path).found, `path ${i.path} resolves`).toBe(true);
    expect(i.message).toMatch(/^At /);
  }
  return result.issues;
}
const summary = (issues: CalendarIssue[]) => issues.map((i) => [i.code, i.path]);

describe('shipped calendars', () => {
  it.each([
    ['cn-mainland', cnMainlandJson],
    ['standard', standardJson],
  ])('%s validates without issues and matches its builtinCalendars entry', (id, json) => {
    const result = validateCalendar(json);
    expect(result).toEqual({ ok: true, calendar: json, issues: [] });
    expect(builtinCalendars[id as keyof typeof builtinCalendars]).toBe(json);
    expect(json.id).toBe(id);
  });
});

describe('validateCalendar: schema pass', () => {
  it('rejects a non-object', () => {
    expect(summary(issuesOf([]))).toEqual([['CAL_WRONG_TYPE', '']]);
    expect(issuesOf(null)[0]?.message).toBe('At the top level: expected object, got null. Use a value of type object.');
  });

  it('reports missing properties at the object that lacks them', () => {
    const doc = fresh();
    delete doc.timeZone;
    drop(doc, '/workingHours/sun');
    expect(summary(issuesOf(doc))).toEqual([
      ['CAL_MISSING_PROPERTY', ''],
      ['CAL_MISSING_PROPERTY', '/workingHours'],
    ]);
  });

  it('points an unknown property at the property itself and lists the allowed ones', () => {
    const doc = fresh();
    put(doc, '/workingHours/monday', []);
    doc['time/zone'] = 'x';
    const issues = issuesOf(doc);
    expect(summary(issues)).toEqual([
      ['CAL_UNKNOWN_PROPERTY', '/time~1zone'],
      ['CAL_UNKNOWN_PROPERTY', '/workingHours/monday'],
    ]);
    expect(issues[1]?.message).toContain('Allowed: "mon", "tue"');
  });

  it('reports malformed times, dates, ids and year keys as CAL_BAD_FORMAT', () => {
    const doc = fresh();
    doc.id = 'cn mainland';
    put(doc, '/workingHours/mon/0/0', '9:00');
    put(doc, '/years/2025/holidays/0/from', '2025-1-1');
    put(doc, '/years/25', {});
    const issues = issuesOf(doc);
    expect(summary(issues)).toEqual([
      ['CAL_BAD_FORMAT', '/id'],
      ['CAL_BAD_FORMAT', '/workingHours/mon/0/0'],
      ['CAL_BAD_FORMAT', '/years/25'],
      ['CAL_BAD_FORMAT', '/years/2025/holidays/0/from'],
    ]);
    expect(issues[1]?.message).toBe(
      'At /workingHours/mon/0/0: "9:00" is not a time of day. Write "HH:MM" with two-digit hours and minutes, e.g. "09:00".',
    );
  });

  it('reports wrong types, bad enum values and malformed intervals', () => {
    const doc = fresh();
    doc.timeZone = 8;
    put(doc, '/years/2025/workdays/0/hoursOf', 'monday');
    put(doc, '/workingHours/tue/0', ['09:00', '10:00', '11:00']);
    doc.name = {};
    expect(summary(issuesOf(doc))).toEqual([
      ['CAL_SCHEMA', '/name'],
      ['CAL_WRONG_TYPE', '/timeZone'],
      ['CAL_SCHEMA', '/workingHours/tue/0'],
      ['CAL_BAD_VALUE', '/years/2025/workdays/0/hoursOf'],
    ]);
  });
});

describe('validateCalendar: semantic pass', () => {
  const cases: [string, (doc: Json) => void, [string, string][]][] = [
    ['an unknown time zone', (doc) => (doc.timeZone = 'Asia/Beijing'), [['CAL_UNKNOWN_TIME_ZONE', '/timeZone']]],
    [
      'a time past 23:59',
      (doc) => put(doc, '/workingHours/mon/1/1', '18:60'),
      [['CAL_BAD_TIME', '/workingHours/mon/1/1']],
    ],
    [
      '24:00 as a start',
      (doc) => put(doc, '/workingHours/sat', [['24:00', '24:00']]),
      [['CAL_BAD_TIME', '/workingHours/sat/0/0']],
    ],
    [
      'an interval that ends before it starts',
      (doc) => put(doc, '/workingHours/wed/1', ['18:00', '13:00']),
      [['CAL_BAD_INTERVAL', '/workingHours/wed/1']],
    ],
    [
      'an empty interval',
      (doc) => put(doc, '/workingHours/wed/0', ['09:00', '09:00']),
      [['CAL_BAD_INTERVAL', '/workingHours/wed/0']],
    ],
    [
      'overlapping intervals',
      (doc) => put(doc, '/workingHours/thu/1', ['11:00', '18:00']),
      [['CAL_OVERLAPPING_INTERVALS', '/workingHours/thu/1']],
    ],
    [
      'intervals out of order',
      (doc) => listAt(doc, '/workingHours/fri').reverse(),
      [['CAL_OVERLAPPING_INTERVALS', '/workingHours/fri/1']],
    ],
    [
      'a week without working hours',
      (doc) => {
        for (const day of ['mon', 'tue', 'wed', 'thu', 'fri']) put(doc, `/workingHours/${day}`, []);
        doc.years = {};
      },
      [['CAL_NO_WORKING_HOURS', '/workingHours']],
    ],
    [
      'a date that does not exist',
      (doc) => put(doc, '/years/2025/holidays/1/to', '2025-02-30'),
      [['CAL_BAD_DATE', '/years/2025/holidays/1/to']],
    ],
    [
      'a holiday filed under another year',
      (doc) => put(doc, '/years/2026/holidays/0/to', '2027-01-01'),
      [['CAL_DATE_OUTSIDE_YEAR', '/years/2026/holidays/0/to']],
    ],
    [
      'a workday filed under another year',
      (doc) => put(doc, '/years/2025/workdays/0/date', '2026-01-04'),
      [['CAL_DATE_OUTSIDE_YEAR', '/years/2025/workdays/0/date']],
    ],
    [
      'a reversed holiday range',
      (doc) => put(doc, '/years/2025/holidays/2', { from: '2025-04-06', to: '2025-04-04' }),
      [['CAL_BAD_HOLIDAY_RANGE', '/years/2025/holidays/2']],
    ],
    [
      'overlapping holidays (a warning)',
      (doc) => listAt(doc, '/years/2025/holidays').push({ from: '2025-10-08', to: '2025-10-08' }),
      [['CAL_OVERLAPPING_HOLIDAYS', '/years/2025/holidays/6']],
    ],
    [
      'a make-up workday on a weekday',
      (doc) => put(doc, '/years/2025/workdays/0/date', '2025-01-27'),
      [['CAL_WORKDAY_NOT_DAY_OFF', '/years/2025/workdays/0/date']],
    ],
    [
      'a make-up workday inside a holiday',
      (doc) => put(doc, '/years/2025/workdays/0/date', '2025-02-01'),
      [['CAL_WORKDAY_IN_HOLIDAY', '/years/2025/workdays/0/date']],
    ],
    [
      'a make-up workday with the hours of a day off',
      (doc) => put(doc, '/years/2025/workdays/0/hoursOf', 'sun'),
      [['CAL_WORKDAY_WITHOUT_HOURS', '/years/2025/workdays/0/hoursOf']],
    ],
    [
      'a duplicate make-up workday (a warning)',
      (doc) => listAt(doc, '/years/2026/workdays').push({ date: '2026-01-04' }),
      [['CAL_DUPLICATE_WORKDAY', '/years/2026/workdays/6']],
    ],
  ];

  it.each(cases)('reports %s', (_name, mutate, expected) => {
    const doc = fresh();
    mutate(doc);
    expect(summary(issuesOf(doc))).toEqual(expected);
  });

  it('keeps a calendar with only warnings usable', () => {
    const doc = fresh();
    listAt(doc, '/years/2026/workdays').push({ date: '2026-01-04' });
    const result = validateCalendar(doc);
    expect(result.ok).toBe(true);
    expect(result.issues.map((i) => i.severity)).toEqual(['warning']);
  });

  it('says where, what and how to fix', () => {
    const doc = fresh();
    put(doc, '/years/2025/workdays/0/date', '2025-01-27');
    expect(issuesOf(doc)[0]?.message).toBe(
      'At /years/2025/workdays/0/date: 2025-01-27 is a Monday, which already has working hours, so a make-up workday there changes nothing. Check the date against the official schedule; make-up workdays are normally a Saturday or Sunday.',
    );
  });

  it('reports schema and semantic problems together', () => {
    const doc = fresh();
    doc.extra = true;
    doc.timeZone = 'Nowhere/Land';
    expect(summary(issuesOf(doc))).toEqual([
      ['CAL_UNKNOWN_PROPERTY', '/extra'],
      ['CAL_UNKNOWN_TIME_ZONE', '/timeZone'],
    ]);
  });
});

describe('validateCalendar: fuzz (seeded)', () => {
  it('never throws on random JSON, and every issue path resolves', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const result = validateCalendar(value);
        for (const i of result.issues) expect(resolvePointer(value, i.path).found).toBe(true);
        expect(result.ok).toBe(false);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('never throws on mutated calendars, every issue path resolves, and ok ⇔ no errors', () => {
    // Collect every path of the shipped document, then replace, delete or retype one of them.
    const paths: (string | number)[][] = [];
    const walk = (value: unknown, path: (string | number)[]): void => {
      paths.push(path);
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
      else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    };
    walk(cnMainlandJson, []);
    const replacement = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(
        '24:00',
        '00:00',
        '12:30',
        '2025-02-29',
        '2025-12-31',
        '2026-01-01',
        'sat',
        'Europe/Berlin',
        '',
        [],
        {},
      ),
    );
    const mutation = fc.record({
      path: fc.constantFrom(...paths.filter((p) => p.length > 0)),
      kind: fc.constantFrom('replace', 'delete', 'rename'),
      value: replacement,
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const doc = fresh();
        for (const { path, kind, value } of mutations) {
          let found: unknown = doc;
          for (const key of path.slice(0, -1))
            found =
              found !== null && typeof found === 'object'
                ? (found as Record<string | number, unknown>)[key]
                : undefined;
          const key = path[path.length - 1] as string | number;
          if (found === null || typeof found !== 'object' || !(key in found)) continue;
          const parent = found as Record<string | number, unknown>;
          if (kind === 'replace') parent[key] = value;
          else if (kind === 'delete' && Array.isArray(parent)) parent.splice(Number(key), 1);
          else if (kind === 'delete') delete parent[key];
          else if (!Array.isArray(parent)) {
            parent[`${String(key)}~/x`] = parent[key];
            delete parent[key];
          }
        }
        const result = validateCalendar(doc);
        for (const i of result.issues) expect(resolvePointer(doc, i.path).found, i.path).toBe(true);
        expect(result.ok).toBe(!result.issues.some((i) => i.severity === 'error'));
      }),
      { seed, numRuns: 500 },
    );
  });
});

describe('issue code registry', () => {
  afterAll(() => {
    // Every registered issue code is produced by at least one test in this file.
    expect([...codesSeen].sort()).toEqual(Object.keys(calendarIssueCodes).sort());
  });

  it('gives every code a one-line description and fix, prefixed CAL_', () => {
    for (const [code, entry] of [...Object.entries(calendarIssueCodes), ...Object.entries(calendarErrorCodes)]) {
      expect(code).toMatch(/^CAL_[A-Z_]+$/);
      expect(entry.what).not.toContain('\n');
      expect(entry.fix.length).toBeGreaterThan(10);
    }
    for (const code of Object.keys(calendarErrorCodes)) expect(Object.keys(calendarIssueCodes)).not.toContain(code);
  });
});
