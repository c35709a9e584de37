/**
 * Pure helpers of the analytics pages: number formats, the filters as URL search parameters,
 * release markers, and the comparison presets. No DOM, no clock.
 *
 * @module
 */
import type { AnalyticsQuery, CompareQuery, ProcessAnalytics } from '@baton/client';

/** The app's languages (as `i18n/index.ts` has them; not imported, so Node-side tests can use this module). */
type Language = 'zh-CN' | 'en';

/** Shown where a measure has no value (no data). */
export const noValue = '—';

/** A number with at most `digits` decimals in `language`'s format; {@link noValue} for null. */
export function formatNumber(value: number | null | undefined, language: Language, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return noValue;
  return new Intl.NumberFormat(language, { maximumFractionDigits: digits }).format(value);
}

/** A share (0–1) as a percentage with at most one decimal. */
export function formatPercent(value: number | null | undefined, language: Language): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return noValue;
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(value);
}

/** An amount of money in yuan, without decimals. */
export function formatMoney(value: number | null | undefined, language: Language): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return noValue;
  return new Intl.NumberFormat(language, {
    style: 'currency',
    currency: 'CNY',
    currencyDisplay: 'narrowSymbol',
    maximumFractionDigits: 0,
  }).format(value);
}

/** A week's Monday (`YYYY-MM-DD`) as a short date ("Oct 12", "10月12日"). */
export function formatWeek(week: string, language: Language): string {
  const date = new Date(`${week}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return week;
  return new Intl.DateTimeFormat(language, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(date);
}

/** The Monday (UTC, `YYYY-MM-DD`) of the week an instant falls in, as the throughput weeks are keyed. */
export function mondayOf(instant: string): string | undefined {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return undefined;
  const day = date.getUTCDay();
  const monday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - ((day + 6) % 7)));
  return monday.toISOString().slice(0, 10);
}

/** A release marker: the week it falls in and what it released. */
export interface ReleaseMarker {
  week: string;
  version: number;
  cohort: string;
}

/** The releases whose start falls within the charted weeks (each on its week's Monday). */
export function releaseMarkers(releases: ProcessAnalytics['releases'], weeks: readonly string[]): ReleaseMarker[] {
  const present = new Set(weeks);
  const out: ReleaseMarker[] = [];
  for (const r of releases) {
    const week = mondayOf(r.startedAt);
    if (week !== undefined && present.has(week)) out.push({ week, version: r.version, cohort: r.cohort });
  }
  return out;
}

/** A cohort as the API writes it (`all`, `teams:a,b`, `share:10`), taken apart. */
export type ParsedCohort = { type: 'all' } | { type: 'teams'; teams: string[] } | { type: 'share'; percent: number };

/** Parses the API's cohort string; unknown forms read as `all`. */
export function parseCohort(cohort: string): ParsedCohort {
  if (cohort.startsWith('teams:')) return { type: 'teams', teams: cohort.slice(6).split(',').filter(Boolean) };
  if (cohort.startsWith('share:')) {
    const percent = Number(cohort.slice(6));
    if (Number.isFinite(percent)) return { type: 'share', percent };
  }
  return { type: 'all' };
}

const filterKeys = ['version', 'team', 'cohort', 'from', 'to'] as const;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const positiveInteger = (text: string | null) =>
  text !== null && /^[1-9]\d{0,8}$/.test(text) ? Number(text) : undefined;

/**
 * The population filters read from URL search parameters, prefixed (`a`, `b` on the comparison
 * page): what is not a valid value is left out, so a hand-edited address never makes a 400.
 */
export function readFilters(params: URLSearchParams, prefix = ''): AnalyticsQuery {
  const name = (key: (typeof filterKeys)[number]) =>
    prefix === '' ? key : `${prefix}${key[0]!.toUpperCase()}${key.slice(1)}`;
  const query: AnalyticsQuery = {};
  const version = positiveInteger(params.get(name('version')));
  if (version !== undefined) query.version = version;
  const team = params.get(name('team'));
  if (team !== null && team !== '' && team.length <= 100) query.team = team;
  const cohort = positiveInteger(params.get(name('cohort')));
  if (cohort !== undefined) query.cohort = cohort;
  for (const key of ['from', 'to'] as const) {
    const value = params.get(name(key));
    if (value !== null && datePattern.test(value)) query[key] = value;
  }
  return query;
}

/** Writes `filters` into a copy of `params` under `prefix`, removing the unset ones. */
export function writeFilters(params: URLSearchParams, filters: AnalyticsQuery, prefix = ''): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const key of filterKeys) {
    const name = prefix === '' ? key : `${prefix}${key[0]!.toUpperCase()}${key.slice(1)}`;
    const value = filters[key];
    if (value === undefined || value === '') next.delete(name);
    else next.set(name, String(value));
  }
  return next;
}

/** The comparison query for populations `a` and `b`. */
export function compareQuery(a: AnalyticsQuery, b: AnalyticsQuery): CompareQuery {
  const query: CompareQuery = {};
  const put = (prefix: 'a' | 'b', filters: AnalyticsQuery) => {
    if (filters.version !== undefined) query[`${prefix}Version`] = filters.version;
    if (filters.team !== undefined) query[`${prefix}Team`] = filters.team;
    if (filters.cohort !== undefined) query[`${prefix}Cohort`] = filters.cohort;
    if (filters.from !== undefined) query[`${prefix}From`] = filters.from;
    if (filters.to !== undefined) query[`${prefix}To`] = filters.to;
  };
  put('a', a);
  put('b', b);
  return query;
}

/** A comparison preset: the two populations. */
export interface ComparePreset {
  a: AnalyticsQuery;
  b: AnalyticsQuery;
}

/** A deployment as the presets need it. */
export interface ReleaseLike {
  version: number;
  cohort: string;
  startedAt: string;
}

/**
 * The presets a model's releases suggest, from its newest team pilot (a deployment to teams):
 * pilot against control (the pilot's version on its first team against the version everyone
 * else runs, both since the pilot began) and before against after (the pilot team before and
 * since). None without a team pilot.
 */
export function comparePresets(
  releases: readonly ReleaseLike[],
): { pilotVsControl: ComparePreset; beforeAfter: ComparePreset } | undefined {
  const pilot = [...releases]
    .filter((r) => parseCohort(r.cohort).type === 'teams')
    .sort((x, y) => y.startedAt.localeCompare(x.startedAt))[0];
  if (!pilot) return undefined;
  const team = (parseCohort(pilot.cohort) as { teams: string[] }).teams[0];
  const since = pilot.startedAt.slice(0, 10);
  const control = [...releases]
    .filter(
      (r) => r.version !== pilot.version && parseCohort(r.cohort).type === 'all' && r.startedAt <= pilot.startedAt,
    )
    .sort((x, y) => y.startedAt.localeCompare(x.startedAt))[0];
  return {
    pilotVsControl: {
      a: { ...(control ? { version: control.version } : {}), from: since },
      b: { version: pilot.version, ...(team !== undefined ? { team } : {}), from: since },
    },
    beforeAfter: {
      a: { ...(team !== undefined ? { team } : {}), to: since },
      b: { ...(team !== undefined ? { team } : {}), from: since },
    },
  };
}

/** Whether two filter sets are the same population. */
export function sameFilters(x: AnalyticsQuery, y: AnalyticsQuery): boolean {
  return filterKeys.every((k) => (x[k] ?? undefined) === (y[k] ?? undefined));
}
