import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { type CalendarYear, validateCalendar } from '@baton/definition';
import type { ApiIssue, CalendarDetail } from '@baton/client/contract';
import { calendarCoverageWarningDays } from '@baton/definition';
import { toJsonb } from '../db/json.ts';
import type { Database } from '../db/schema.ts';
import { ApiError } from '../errors.ts';
import type { LiveCalendarRegistry, StoredCalendarYear } from './calendar-registry.ts';

/** Reads every year stored through the API (`calendar_years`). */
export async function loadStoredYears(db: Kysely<Database>): Promise<StoredCalendarYear[]> {
  const rows = await db
    .selectFrom('calendar_years')
    .select(['calendar_id', 'year', 'schedule'])
    .orderBy('calendar_id')
    .orderBy('year')
    .execute();
  return rows.map((r) => ({ calendarId: r.calendar_id, year: r.year, schedule: r.schedule }));
}

/** A short fingerprint of the stored years: replicas compare it to notice another replica's change. */
export async function storedYearsStamp(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ n: string; at: Date | null }>`
    select count(*)::text as n, max(updated_at) as at from calendar_years`.execute(db);
  return `${rows[0]?.n ?? 0}:${rows[0]?.at?.getTime() ?? 0}`;
}

/**
 * Rebuilds the app's calendars from the start-up ones plus the stored years, and makes the run
 * loop compile versions with them from now on (deadlines counted later honour the change).
 */
export async function reloadCalendars(app: FastifyInstance, registry: LiveCalendarRegistry): Promise<void> {
  const extra = registry.replaceStored(await loadStoredYears(app.db));
  app.runtime.processes.replaceCalendars(extra);
}

/** One calendar with every year's schedule, as `GET /api/calendars/:key` answers. */
export function toCalendarDetail(registry: LiveCalendarRegistry, key: string): CalendarDetail {
  const spec = registry.specs.get(key);
  const entry = registry.entries.find((e) => e.key === key);
  if (!spec || !entry) throw new ApiError('API_CALENDAR_NOT_FOUND', { key });
  return {
    key,
    name: spec.name,
    timeZone: spec.timeZone,
    workingHours: spec.workingHours,
    years: [...entry.years],
    coveredUntil: entry.coveredUntil,
    warningDays: calendarCoverageWarningDays,
    schedules: { ...(spec.years ?? {}) },
    storedYears: [...(registry.storedYears.get(key) ?? [])],
  };
}

/**
 * Checks `schedule` as year `year` of calendar `key` with the calendar schema and its semantic
 * checks (the whole calendar is validated with the year in place), then stores it, replacing a
 * stored schedule of the same year. Throws `API_INVALID_CALENDAR` with the issues (JSON Pointers
 * into the body) and stores nothing when it has errors.
 */
export async function storeCalendarYear(
  db: Kysely<Database>,
  registry: LiveCalendarRegistry,
  input: { key: string; year: number; schedule: CalendarYear; userId: number },
): Promise<void> {
  const spec = registry.specs.get(input.key);
  if (!spec) throw new ApiError('API_CALENDAR_NOT_FOUND', { key: input.key });
  const candidate = { ...spec, years: { ...(spec.years ?? {}), [String(input.year)]: input.schedule } };
  const result = validateCalendar(JSON.parse(JSON.stringify(candidate)));
  const prefix = `/years/${input.year}`;
  const issues: ApiIssue[] = result.issues
    .filter((i) => i.severity === 'error')
    // Only this year's problems are the caller's; the rest of the calendar was valid before.
    .filter((i) => i.path === prefix || i.path.startsWith(`${prefix}/`))
    .map((i) => ({ path: i.path.slice(prefix.length), code: i.code, message: i.message, severity: 'error' }));
  if (!result.ok && issues.length === 0)
    issues.push(
      ...result.issues
        .filter((i) => i.severity === 'error')
        .map((i) => ({ path: '', code: i.code, message: i.message, severity: 'error' as const })),
    );
  if (issues.length > 0)
    throw new ApiError('API_INVALID_CALENDAR', { key: input.key, year: input.year, count: issues.length }, { issues });
  await db
    .insertInto('calendar_years')
    .values({
      calendar_id: input.key,
      year: input.year,
      schedule: toJsonb(input.schedule),
      updated_by: input.userId,
    })
    .onConflict((oc) =>
      oc.columns(['calendar_id', 'year']).doUpdateSet((eb) => ({
        schedule: eb.ref('excluded.schedule'),
        updated_by: eb.ref('excluded.updated_by'),
        updated_at: sql`now()`,
      })),
    )
    .execute();
}
