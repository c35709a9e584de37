import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CalendarSpec,
  type CalendarYear,
  builtinCalendars,
  calendarCoverageWarningDays,
  daysOfCoverageLeft,
  toCalendarCoverage,
  validateCalendar,
} from '@baton/definition';

/** One calendar as `GET /api/calendars` lists it. */
export interface CalendarEntry {
  key: string;
  name: CalendarSpec['name'];
  /** The years with a holiday schedule, ascending. */
  years: number[];
  /** The last local date covered, or null when the calendar has no holiday schedule (nothing runs out). */
  coveredUntil: string | null;
}

/** The business calendars the server runs with: the shipped ones, replaced or joined by those of `CALENDARS_DIR`. */
export interface CalendarRegistry {
  /** Calendars given besides (or instead of) the shipped ones, for `compileProcess`. */
  readonly extra: readonly CalendarSpec[];
  /** Every calendar by id, shipped ones replaced by a loaded one with the same id, sorted by id. */
  readonly entries: readonly CalendarEntry[];
  /** `coveredUntil` by calendar id, for `validateDefinition({ calendarCoverage })`. */
  readonly coverage: Readonly<Record<string, string | null>>;
  /** Every calendar's full document by id (shipped ones replaced by loaded ones). */
  readonly specs: ReadonlyMap<string, CalendarSpec>;
}

/**
 * Builds the registry from calendars loaded at start (see {@link loadCalendarsDir}). A loaded
 * calendar with the id of a shipped one (`cn-mainland`) replaces it: that is how a company adds
 * next year's schedule without a code change.
 */
export function createCalendarRegistry(extra: readonly CalendarSpec[] = []): CalendarRegistry {
  const byId = new Map<string, CalendarSpec>(Object.entries(builtinCalendars));
  for (const spec of extra) byId.set(spec.id, spec);
  const entries = [...byId.values()]
    .map((spec) => ({ key: spec.id, name: spec.name, ...toCalendarCoverage(spec) }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
  return { extra, entries, coverage: Object.fromEntries(entries.map((e) => [e.key, e.coveredUntil])), specs: byId };
}

/** A year's schedule stored through the API (`calendar_years`). */
export interface StoredCalendarYear {
  calendarId: string;
  year: number;
  schedule: CalendarYear;
}

/**
 * Puts stored years into the calendars they belong to: each replaces the year of the same
 * number in the shipped (or `CALENDARS_DIR`) calendar, or joins it. Returns the calendars to
 * run with besides the shipped ones (`extra` plus every calendar a stored year changed); years
 * of calendars that do not exist are ignored.
 */
export function withStoredYears(extra: readonly CalendarSpec[], stored: readonly StoredCalendarYear[]): CalendarSpec[] {
  const base = createCalendarRegistry(extra).specs;
  const changed = new Map<string, CalendarSpec>(extra.map((spec) => [spec.id, spec]));
  for (const row of stored) {
    const spec = changed.get(row.calendarId) ?? base.get(row.calendarId);
    if (!spec) continue;
    changed.set(spec.id, { ...spec, years: { ...(spec.years ?? {}), [String(row.year)]: row.schedule } });
  }
  return [...changed.values()];
}

/**
 * The registry the app runs with, replaced in place when an operator stores a year (see
 * {@link withStoredYears}): readers always see the current calendars.
 */
export class LiveCalendarRegistry implements CalendarRegistry {
  private current: CalendarRegistry;
  /** The years stored through the API, by calendar id. */
  storedYears: ReadonlyMap<string, readonly number[]> = new Map();

  /** `base`: the calendars loaded at start (`CALENDARS_DIR`), before stored years. */
  constructor(readonly base: readonly CalendarSpec[]) {
    this.current = createCalendarRegistry(base);
  }

  get extra(): readonly CalendarSpec[] {
    return this.current.extra;
  }
  get entries(): readonly CalendarEntry[] {
    return this.current.entries;
  }
  get coverage(): Readonly<Record<string, string | null>> {
    return this.current.coverage;
  }
  get specs(): ReadonlyMap<string, CalendarSpec> {
    return this.current.specs;
  }

  /** Rebuilds the calendars from the base ones plus `stored`; returns the new `extra`. */
  replaceStored(stored: readonly StoredCalendarYear[]): readonly CalendarSpec[] {
    this.current = createCalendarRegistry(withStoredYears(this.base, stored));
    const years = new Map<string, number[]>();
    for (const row of stored) years.set(row.calendarId, [...(years.get(row.calendarId) ?? []), row.year].sort());
    this.storedYears = years;
    return this.current.extra;
  }
}

/**
 * Reads every `*.json` file of `dir` as a calendar document and validates it against the
 * calendar schema. Throws an Error naming the file and its first problems (the server then does
 * not start), or when two files give the same id.
 */
export function loadCalendarsDir(dir: string): CalendarSpec[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const specs: CalendarSpec[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const path = join(dir, file);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(
        `Calendar file ${path} is not JSON: ${(error as Error).message}. Fix it or remove it from CALENDARS_DIR.`,
        { cause: error },
      );
    }
    const result = validateCalendar(json);
    if (!result.ok) {
      const shown = result.issues
        .filter((i) => i.severity === 'error')
        .slice(0, 3)
        .map((i) => `${i.code} at ${i.path || '(root)'}: ${i.message}`)
        .join('; ');
      throw new Error(
        `Calendar file ${path} is not a valid calendar: ${shown}. See packages/definition/schema/calendar.schema.json.`,
      );
    }
    const other = seen.get(result.calendar.id);
    if (other !== undefined)
      throw new Error(`Calendar files ${other} and ${path} both define calendar "${result.calendar.id}". Keep one.`);
    seen.set(result.calendar.id, path);
    specs.push(result.calendar);
  }
  return specs;
}

/**
 * The calendars whose holiday data ends within the warning window of `today` (`YYYY-MM-DD`),
 * with the days left (negative once ended): what the server warns about at start-up.
 */
export function findEndingCalendars(
  registry: CalendarRegistry,
  today: string,
): { entry: CalendarEntry; daysLeft: number }[] {
  const out: { entry: CalendarEntry; daysLeft: number }[] = [];
  for (const entry of registry.entries) {
    const daysLeft = daysOfCoverageLeft(entry.coveredUntil, today);
    if (daysLeft !== undefined && daysLeft < calendarCoverageWarningDays) out.push({ entry, daysLeft });
  }
  return out;
}
