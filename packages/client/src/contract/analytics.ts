/**
 * Process analytics (`/api/analytics/models/:key/…`): per-step and per-process measures, team
 * performance, the comparison of two populations, and exports (CSV tables, the event log as CSV
 * or XES). Every measure is computed from the history and task tables; see `docs/analytics.md`
 * for the definitions.
 *
 * @module
 */
import { Type, type Static } from 'typebox';
import { localizedTextSchema, modelKeyPattern } from './common.ts';
import { nullable, nullableString, stringEnum } from './schema.ts';

const nullableNumber = Type.Unsafe<number | null>({ type: ['number', 'null'] });
const instantPattern = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2}))?$';

/** The population filters every analytics route accepts (all optional, combined with AND). */
const filterProperties = {
  version: Type.Optional(Type.Integer({ minimum: 1, description: 'Only instances of this version number.' })),
  team: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Only instances started by this team (sub-teams included).',
    }),
  ),
  cohort: Type.Optional(
    Type.Integer({
      minimum: 1,
      description:
        'A deployment id: only instances that deployment started (its version, its teams, while it was active).',
    }),
  ),
  from: Type.Optional(
    Type.String({
      pattern: instantPattern,
      description: 'Only instances started at or after this instant (ISO 8601 date or date-time).',
    }),
  ),
  to: Type.Optional(
    Type.String({
      pattern: instantPattern,
      description: 'Only instances started before this instant (ISO 8601 date or date-time).',
    }),
  ),
};

/** Business positions that may read analytics besides the `admin`, `owner` and `operator` access roles. */
export const analyticsPositions = ['sales-manager', 'sales-director', 'legal-manager'] as const;

/**
 * Whether someone with these access roles and business positions may read analytics (team
 * performance names people): admins, process owners, operators and the managers of
 * {@link analyticsPositions}. The server enforces it; the web app uses it to show the section.
 */
export function mayReadAnalytics(user: { roles: readonly string[]; positions: readonly string[] }): boolean {
  return (
    user.roles.some((r) => r === 'admin' || r === 'owner' || r === 'operator') ||
    user.positions.some((p) => (analyticsPositions as readonly string[]).includes(p))
  );
}

/** Schema of {@link AnalyticsQuery}. */
export const analyticsQuerySchema = Type.Object(filterProperties, { additionalProperties: false });
/** Query of the analytics routes: which instances to measure. */
export type AnalyticsQuery = Static<typeof analyticsQuerySchema>;

/** Path parameters `{ key }` of the analytics routes. */
export const analyticsParamsSchema = Type.Object({ key: Type.String({ pattern: modelKeyPattern }) });
/** Path parameters of the analytics routes. */
export type AnalyticsParams = Static<typeof analyticsParamsSchema>;

/** Schema of {@link Spread}. */
export const spreadSchema = Type.Object({
  p50: nullableNumber,
  p90: nullableNumber,
  mean: nullableNumber,
});
/** Median, 90th percentile and mean of a duration in hours (null without data). */
export type Spread = Static<typeof spreadSchema>;

/** Schema of {@link StepMeasures}. */
export const stepMeasuresSchema = Type.Object({
  nodeId: Type.String(),
  name: nullable(localizedTextSchema),
  tasks: Type.Integer({ description: 'Tasks created at the step.' }),
  completed: Type.Integer(),
  open: Type.Integer({ description: 'Tasks still open or claimed.' }),
  durationClockHours: spreadSchema,
  durationWorkingHours: spreadSchema,
  waitingClockHours: spreadSchema,
  waitingWorkingHours: spreadSchema,
  workingClockHours: spreadSchema,
  workingWorkingHours: spreadSchema,
  passRate: Type.Unsafe<number | null>({
    type: ['number', 'null'],
    description: 'Completed tasks after which the instance moved on, of completed and returned tasks.',
  }),
  rework: Type.Integer({ description: 'Tasks that repeat the step in the same instance.' }),
  withDeadline: Type.Integer(),
  deadlineHitRate: nullableNumber,
  escalations: Type.Integer({ description: 'Escalation rungs fired at the step.' }),
});
/** The measures of one step (user task node). */
export type StepMeasures = Static<typeof stepMeasuresSchema>;

/** Schema of {@link StepAnalytics}. */
export const stepAnalyticsSchema = Type.Object({
  modelKey: Type.String(),
  instances: Type.Integer(),
  calendar: Type.String({ description: 'The calendar working time is counted on.' }),
  /**
   * Whether the percentiles were computed from every duration. Large populations (more tasks in
   * settled parts of the history than `percentileRollupsFrom`) are read from the step rollups:
   * counts, rates and means stay exact, percentiles are within 1 % (plus at most a second) of the exact ones.
   */
  exactPercentiles: Type.Boolean(),
  steps: Type.Array(stepMeasuresSchema),
});
/** Answer of `GET /api/analytics/models/:key/steps`. */
export type StepAnalytics = Static<typeof stepAnalyticsSchema>;

/** Schema of {@link ProcessAnalytics}. */
export const processAnalyticsSchema = Type.Object({
  modelKey: Type.String(),
  calendar: Type.String(),
  instances: Type.Integer(),
  completed: Type.Integer(),
  running: Type.Integer(),
  terminated: Type.Integer(),
  cycleClockHours: spreadSchema,
  cycleWorkingHours: spreadSchema,
  cycleHistogram: Type.Array(Type.Object({ fromDays: Type.Number(), toDays: Type.Number(), count: Type.Integer() }), {
    description: 'Completed instances by cycle time (calendar days), in bins.',
  }),
  throughputPerWeek: Type.Array(
    Type.Object({
      week: Type.String({ description: 'Monday of the week (YYYY-MM-DD, UTC).' }),
      started: Type.Integer(),
      completed: Type.Integer(),
    }),
  ),
  workInProgress: Type.Integer({ description: 'Instances running now.' }),
  abandonedShare: nullableNumber,
  firstPassYield: nullableNumber,
  outcomes: Type.Array(
    Type.Object({ endNode: Type.String(), name: nullable(localizedTextSchema), count: Type.Integer() }),
  ),
  variants: Type.Array(
    Type.Object({
      path: Type.Array(Type.String()),
      count: Type.Integer(),
      share: Type.Number(),
      cycleClockHours: spreadSchema,
    }),
  ),
  littlesLaw: Type.Object({
    windowDays: Type.Number(),
    averageWip: nullableNumber,
    throughputPerDay: nullableNumber,
    meanCycleDays: nullableNumber,
    predictedWip: nullableNumber,
    ratio: nullableNumber,
    consistent: Type.Boolean({ description: 'Average WIP within 25 % of throughput × cycle time.' }),
  }),
  releases: Type.Array(
    Type.Object({
      deploymentId: Type.Integer(),
      version: Type.Integer(),
      cohort: Type.String(),
      startedAt: Type.String(),
      endedAt: nullableString,
    }),
  ),
});
/** Answer of `GET /api/analytics/models/:key/process`. */
export type ProcessAnalytics = Static<typeof processAnalyticsSchema>;

/** Schema of {@link PerformerMeasures}. */
export const performerMeasuresSchema = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  team: nullableString,
  deals: Type.Integer({ description: 'Deals signed (a completed task whose output has signed = true).' }),
  dealAmount: Type.Number(),
  tasksHeld: Type.Integer(),
  tasksCompleted: Type.Integer(),
  followUpRate: nullableNumber,
  deadlineHitRate: nullableNumber,
  openLoad: Type.Integer({ description: 'Tasks assigned to the person and still open now.' }),
  daysPresent: Type.Integer({ description: 'Working days on which the person recorded an action.' }),
  dealsPerDayPresent: nullableNumber,
  dealAmountPerDayPresent: nullableNumber,
  tasksPerDayPresent: nullableNumber,
});
/** Team performance of one person. */
export type PerformerMeasures = Static<typeof performerMeasuresSchema>;

/** Schema of {@link TeamMeasures}. */
export const teamMeasuresSchema = Type.Object({
  team: Type.String(),
  name: nullable(localizedTextSchema),
  people: Type.Integer(),
  deals: Type.Integer(),
  dealAmount: Type.Number(),
  followUpRate: nullableNumber,
  deadlineHitRate: nullableNumber,
  openLoad: Type.Integer(),
  daysPresent: Type.Integer(),
  dealAmountPerDayPresent: nullableNumber,
});
/** Team performance of one team. */
export type TeamMeasures = Static<typeof teamMeasuresSchema>;

/** Schema of {@link TeamAnalytics}. */
export const teamAnalyticsSchema = Type.Object({
  modelKey: Type.String(),
  people: Type.Array(performerMeasuresSchema),
  teams: Type.Array(teamMeasuresSchema),
});
/** Answer of `GET /api/analytics/models/:key/team`. */
export type TeamAnalytics = Static<typeof teamAnalyticsSchema>;

/** Schema of {@link CompareQuery}: population A and B filters (`a…`, `b…`), and the bootstrap seed. */
export const compareQuerySchema = Type.Object(
  {
    aVersion: filterProperties.version,
    aTeam: filterProperties.team,
    aCohort: filterProperties.cohort,
    aFrom: filterProperties.from,
    aTo: filterProperties.to,
    bVersion: filterProperties.version,
    bTeam: filterProperties.team,
    bCohort: filterProperties.cohort,
    bFrom: filterProperties.from,
    bTo: filterProperties.to,
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, description: 'Bootstrap seed. @default 1' })),
    resamples: Type.Optional(Type.Integer({ minimum: 100, maximum: 5000, default: 1000 })),
  },
  { additionalProperties: false },
);
/** Query of `GET /api/analytics/models/:key/compare`. */
export type CompareQuery = Static<typeof compareQuerySchema>;

/** The verdicts of a comparison. */
export const verdictKinds = ['better', 'worse', 'noDifference', 'tooFewData'] as const;

/** Schema of {@link ComparedMeasure}. */
export const comparedMeasureSchema = Type.Object({
  measure: stringEnum([
    'cycleWorkingHoursMedian',
    'cycleWorkingHoursMean',
    'firstPassYield',
    'dealAmountPerInstance',
  ] as const),
  a: nullableNumber,
  b: nullableNumber,
  nA: Type.Integer(),
  nB: Type.Integer(),
  difference: Type.Unsafe<number | null>({ type: ['number', 'null'], description: 'b − a.' }),
  ciLow: nullableNumber,
  ciHigh: nullableNumber,
  verdict: stringEnum(verdictKinds),
  text: localizedTextSchema,
});
/** One measure compared between A and B, with a 95 % bootstrap interval of b − a and a verdict. */
export type ComparedMeasure = Static<typeof comparedMeasureSchema>;

/** Schema of {@link Comparison}. */
export const comparisonSchema = Type.Object({
  modelKey: Type.String(),
  seed: Type.Integer(),
  resamples: Type.Integer(),
  minimumPerGroup: Type.Integer(),
  /** Groups up to this many values are resampled value by value; larger ones draw each resample's statistic from its large-sample law. */
  exactResamplingUpTo: Type.Integer(),
  measures: Type.Array(comparedMeasureSchema),
});
/** Answer of `GET /api/analytics/models/:key/compare`. */
export type Comparison = Static<typeof comparisonSchema>;

/** What the export route can produce. */
export const analyticsExportTables = ['steps', 'variants', 'throughput', 'people', 'teams', 'eventLog'] as const;

/** Schema of {@link ExportQuery}. */
export const exportQuerySchema = Type.Object(
  {
    ...filterProperties,
    table: stringEnum(analyticsExportTables),
    format: Type.Optional(stringEnum(['csv', 'xes'] as const)),
  },
  { additionalProperties: false },
);
/** Query of `GET /api/analytics/models/:key/export`: a table as CSV, or the event log as CSV or XES. */
export type ExportQuery = Static<typeof exportQuerySchema>;

/** Schema of the export answer: the file's text (`text/csv` or `application/xml`). */
export const exportFileSchema = Type.String();
