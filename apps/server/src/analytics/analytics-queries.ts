/**
 * The analytics queries: SQL over `instances`, `tasks` and `events` (the history the run loop
 * writes) selects the population and one row per task or instance; small TypeScript steps turn
 * the rows into percentiles, working time (on the model's business calendar) and bootstrap
 * intervals. Runs unchanged on PGlite and PostgreSQL. Definitions: `docs/analytics.md`.
 *
 * @module
 */
import { type BusinessCalendar, type CalendarSpec, builtinCalendars, createCalendar } from '@baton/definition';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type {
  AnalyticsQuery,
  ComparedMeasure,
  CompareQuery,
  LocalizedText,
  PerformerMeasures,
  ProcessAnalytics,
  Spread,
  StepAnalytics,
  StepMeasures,
  TeamAnalytics,
  TeamMeasures,
} from '@baton/client/contract';
import type { Database } from '../db/schema.ts';
import { ApiError } from '../errors.ts';
import { createRandom } from './seeded-random.ts';

const hour = 3_600_000;
const day = 24 * hour;

/** A model and the calendar its newest version counts working time on. */
export interface AnalyticsModel {
  id: number;
  key: string;
  calendarId: string;
  calendar: BusinessCalendar;
  /** The calendar's IANA time zone (its local dates). */
  timeZone: string;
}

/** Finds the model (404 `API_MODEL_NOT_FOUND`) and the calendar of its newest version. */
export async function loadAnalyticsModel(
  db: Kysely<Database>,
  key: string,
  extraCalendars: readonly CalendarSpec[],
): Promise<AnalyticsModel> {
  const model = await db.selectFrom('process_models').select(['id', 'key']).where('key', '=', key).executeTakeFirst();
  if (!model) throw new ApiError('API_MODEL_NOT_FOUND', { key });
  const newest = await db
    .selectFrom('process_versions')
    .select(sql<string | null>`definition->>'calendar'`.as('calendar'))
    .where('model_id', '=', model.id)
    .orderBy('number', 'desc')
    .limit(1)
    .executeTakeFirst();
  const calendarId = newest?.calendar ?? 'standard';
  const spec =
    extraCalendars.find((c) => c.id === calendarId) ??
    (builtinCalendars as Record<string, CalendarSpec | undefined>)[calendarId] ??
    builtinCalendars.standard;
  return { id: model.id, key: model.key, calendarId: spec.id, calendar: createCalendar(spec), timeZone: spec.timeZone };
}

/** Filters with the instants parsed; 400 `API_VALIDATION` for an instant that is no date. */
function parseInstant(value: string | undefined, name: string): Date | null {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    const message = `At /${name}: "${value}" is not a date or date-time. Write e.g. 2026-09-01 or 2026-09-01T00:00:00Z.`;
    throw new ApiError(
      'API_VALIDATION',
      { part: 'querystring', route: 'GET /api/analytics/…', summary: message },
      { issues: [{ path: `/${name}`, code: 'API_BAD_INSTANT', message }] },
    );
  }
  return new Date(ms);
}

/**
 * The SQL of the filtered population: `pop(id, created_at, updated_at, ended_at, status,
 * version_id, team_id, business_key, data, path, end_node, cycle_working_ms)`, a CTE to put first
 * in a `with recursive`.
 */
export function populationSql(
  model: AnalyticsModel,
  query: AnalyticsQuery,
  names: Record<string, string> = {},
): RawBuilder<unknown> {
  const from = parseInstant(query.from, names.from ?? 'from');
  const to = parseInstant(query.to, names.to ?? 'to');
  const conditions: RawBuilder<unknown>[] = [sql`i.model_id = ${model.id}`];
  if (query.version !== undefined)
    conditions.push(
      sql`i.version_id = (select v.id from process_versions v where v.model_id = ${model.id} and v.number = ${query.version})`,
    );
  if (query.team !== undefined)
    conditions.push(sql`i.team_id in (
      with recursive tree as (select id from teams where key = ${query.team}
        union all select t.id from teams t join tree on t.parent_id = tree.id)
      select id from tree)`);
  if (from) conditions.push(sql`i.created_at >= ${from}`);
  if (to) conditions.push(sql`i.created_at < ${to}`);
  if (query.cohort !== undefined) {
    // Uncorrelated subqueries: each runs once per report (the team tree included), not per instance.
    const dep = (column: string) =>
      sql`(select ${sql.raw(`d.${column}`)} from deployments d where d.id = ${query.cohort} and d.model_id = ${model.id})`;
    conditions.push(sql`i.version_id = ${dep('version_id')} and i.created_at >= ${dep('started_at')}
      and i.created_at < coalesce(${dep('ended_at')}, 'infinity'::timestamptz)
      and (${dep("cohort->>'type'")} is distinct from 'teams' or i.team_id in (
        with recursive tree as (select id from teams where key in (select jsonb_array_elements_text(${dep("cohort->'teams'")}))
          union all select t.id from teams t join tree on t.parent_id = tree.id)
        select id from tree))`);
  }
  return sql`pop as (select i.id, i.created_at, i.updated_at, i.ended_at, i.status, i.version_id, i.team_id, i.business_key, i.data,
      i.path, i.end_node, i.cycle_working_ms
    from instances i where ${sql.join(conditions, sql` and `)})`;
}

/**
 * The calendar as a table for SQL: `wd(d, c, s, e)`, one row per local date from `fromMs` to
 * `toMs`: the working milliseconds before that date (`c`, counted from `fromMs`'s date) and the
 * date's working intervals (`s`, `e`: epoch ms arrays). The working time up to an instant `t`
 * is then `c + Σ clamp(t − s, 0, e − s)` over the row of `t`'s local date (see {@link workingAtSql}),
 * and between two instants the difference: a hash join per instant instead of a row per task
 * sent to the application.
 */
export function workingDaysSql(
  model: AnalyticsModel,
  fromMs: number,
  toMs: number,
): { cte: RawBuilder<unknown>; width: number } {
  const days: Array<{ d: string; c: number; s: number[]; e: number[] }> = [];
  const fmt = new Intl.DateTimeFormat('en-CA', {
    timeZone: model.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  let date = fmt.format(new Date(fromMs - day));
  const last = fmt.format(new Date(toMs + day));
  let cum = 0;
  for (let i = 0; i < 20_000; i++) {
    const intervals = model.calendar.workingIntervalsOn(date);
    days.push({ d: date, c: cum, s: intervals.map((x) => x.start), e: intervals.map((x) => x.end) });
    cum += intervals.reduce((sum, x) => sum + (x.end - x.start), 0);
    if (date >= last) break;
    const [y, m, dd] = date.split('-').map(Number) as [number, number, number];
    date = new Date(Date.UTC(y, m - 1, dd + 1)).toISOString().slice(0, 10);
  }
  const width = Math.max(1, ...days.map((x) => x.s.length));
  const cte = sql`wd as materialized (
    select w.d::date as d, w.c::float8 as c, array(select jsonb_array_elements_text(w.s)::float8) as s,
      array(select jsonb_array_elements_text(w.e)::float8) as e
    from jsonb_to_recordset(${JSON.stringify(days)}::jsonb) as w(d text, c float8, s jsonb, e jsonb))`;
  return { cte, width };
}

/**
 * The working milliseconds from the start of {@link workingDaysSql}'s table up to `instant`,
 * given its `wd` row `row`: `c + Σ least(greatest(t − s[i], 0), e[i] − s[i])` written out for the
 * `width` intervals a day has at most (a missing interval is null, and adds 0).
 */
function workingAtSql(row: string, instant: RawBuilder<unknown>, width: number): RawBuilder<number> {
  const w = sql.raw(row);
  const terms = Array.from(
    { length: width },
    (_, i) =>
      sql`least(greatest(date_part('epoch', ${instant}) * 1000 - ${w}.s[${sql.raw(String(i + 1))}], 0), ${w}.e[${sql.raw(String(i + 1))}] - ${w}.s[${sql.raw(String(i + 1))}])`,
  );
  return sql<number>`(${w}.c + ${sql.join(terms, sql` + `)})`;
}

/** One task with its history: claimed instant, first holder, escalations. */
interface TaskFacts {
  instance_id: string;
  key: string;
  node_id: string;
  status: string;
  assignee: string | null;
  created_at: Date;
  claimed_at: Date | null;
  completed_at: Date | null;
  completed_by: string | null;
  due_at: Date | null;
  /** The output's `signed` is `true`: a deal. */
  signed: boolean;
  /** The output's `contractAmount` when a number. */
  contract_amount: number | null;
  escalations: number;
  cancel_reason: string | null;
  first_holder: string | null;
}

async function loadTasks(db: Kysely<Database>, model: AnalyticsModel, query: AnalyticsQuery): Promise<TaskFacts[]> {
  // The task rows carry their analytics facts (claim, first holder, escalations, cancel reason).
  const { rows } = await sql<TaskFacts>`with ${populationSql(model, query)}
    select t.instance_id, t.key, t.node_id, t.status, t.assignee, t.created_at, t.completed_at,
      t.completed_by_username as completed_by, t.due_at,
      coalesce(t.output->'signed' = 'true'::jsonb, false) as signed,
      case when jsonb_typeof(t.output->'contractAmount') = 'number' then (t.output->>'contractAmount')::float8 end as contract_amount,
      t.claimed_at, t.escalation_level as escalations, t.cancel_reason, t.first_holder
    from tasks t
    join pop p on p.id = t.instance_id
    order by t.created_at, t.id`.execute(db);
  return rows;
}

/** Median, 90th percentile and mean (hours, 2 decimals) of values in ms. */
export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) return { p50: null, p90: null, mean: null };
  const sorted = [...values].sort((a, b) => a - b);
  const round = (ms: number) => Math.round((ms / hour) * 100) / 100;
  return {
    p50: round(quantile(sorted, 0.5)),
    p90: round(quantile(sorted, 0.9)),
    mean: round(sorted.reduce((s, v) => s + v, 0) / sorted.length),
  };
}

/** The q-quantile of sorted values (linear interpolation, as `percentile_cont`). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

/** When the task was taken up: its claim, else its creation when it was created with an assignee, else its completion. */
function claimedAt(t: TaskFacts): Date | null {
  if (t.claimed_at) return t.claimed_at;
  if (t.first_holder !== null && t.first_holder !== undefined && !t.claimed_at) return t.created_at;
  return t.completed_at;
}

/**
 * The span of a population's start instants (epoch ms), for {@link workingDaysSql}, and, when
 * asked (it reads the rows, not only the analytics index), how many of its instances reached a
 * user task (have a path); undefined when the population is empty.
 */
export async function populationSpan(
  db: Kysely<Database>,
  model: AnalyticsModel,
  query: AnalyticsQuery,
  countWithTasks = false,
): Promise<{ from: number; to: number; withTasks: number } | undefined> {
  const withTasks = countWithTasks ? sql`count(*) filter (where path is not null)::int` : sql`0`;
  const { rows } = await sql<{ first: Date | null; with_tasks: number }>`with ${populationSql(model, query)}
    select min(created_at) as first, ${withTasks} as with_tasks from pop`.execute(db);
  const first = rows[0]?.first;
  return first ? { from: first.getTime(), to: Date.now(), withTasks: rows[0]!.with_tasks } : undefined;
}

/** The durations the step report measures: name and SQL expression over `tf`'s columns (ms). */
export const stepDurations = [
  ['durationClockHours', 'dur'],
  ['durationWorkingHours', 'dur_w'],
  ['waitingClockHours', 'wait'],
  ['waitingWorkingHours', 'wait_w'],
  ['workingClockHours', '(dur - wait)'],
  ['workingWorkingHours', '(dur_w - wait_w)'],
] as const;

/**
 * The working ms between two instants from {@link workingDaysSql}'s table `wd`, as two scalar
 * subqueries: for rows written before the working times were stored on them (inside a
 * `coalesce`, so they run only for those rows).
 */
function workingBetweenSql(
  from: RawBuilder<unknown>,
  to: RawBuilder<unknown>,
  tz: string,
  width: number,
): RawBuilder<number> {
  return sql<number>`((select ${workingAtSql('wb', to, width)} from wd wb where wb.d = (${to} at time zone ${tz})::date)
    - (select ${workingAtSql('wa', from, width)} from wd wa where wa.d = (${from} at time zone ${tz})::date))`;
}

/**
 * The CTEs `re` and `tf` over `pop` and the calendar table `wd`: one row per task of the
 * population with the step report's facts (durations in ms, `done`, entry numbers, deadline).
 * Working time is read from the task rows (written on completion); rows from before that was
 * stored are counted on the calendar table {@link workingDaysSql}.
 *
 * `instances` is about how many instances `pop` holds: up to {@link lookUpTasksUpTo}, their tasks
 * are looked up per instance (the index on `tasks.instance_id`); above, all tasks are hashed.
 */
export function taskFactsSql(tz: string, width: number, instances: number): RawBuilder<unknown> {
  const taken = sql`case when t.claimed_at is not null then t.claimed_at when t.first_holder is not null then t.created_at else t.completed_at end`;
  return sql`re as (select r.instance_id, r.node_id, max(r.visit) as visits from tasks r join pop p on p.id = r.instance_id
      where r.visit > 1 group by r.instance_id, r.node_id),
    tf as (
      select t.node_id, t.status, t.status = 'completed' as done, t.due_at, t.completed_at,
        coalesce(t.visit, 1) as visit,
        -- The entries of the node in the instance: the highest entry number of its tasks there
        -- (only re-entered nodes have one above 1: a small aggregate, not the path split per task).
        coalesce(re.visits, 1) as visits,
        t.escalation_level as escalations, t.cancel_reason,
        -- date_part answers float8; extract() answers numeric, and computing, sorting and averaging
        -- numerics cost seconds here (PostgreSQL 100,000 instances: 0.16 s per column for the epoch alone).
        date_part('epoch', t.completed_at - t.created_at) * 1000 as dur,
        date_part('epoch', ${taken} - t.created_at) * 1000 as wait,
        case when t.status = 'completed' then coalesce(t.duration_working_ms,
          ${workingBetweenSql(sql`t.created_at`, sql`t.completed_at`, tz, width)}) end as dur_w,
        case when t.status = 'completed' then coalesce(t.waiting_working_ms,
          ${workingBetweenSql(sql`t.created_at`, taken, tz, width)}) end as wait_w
      from ${
        instances <= lookUpTasksUpTo
          ? // A lateral subquery the planner cannot pull up (offset 0): one index lookup per instance.
            sql`pop p cross join lateral (select t0.instance_id, t0.node_id, t0.status, t0.due_at, t0.completed_at, t0.visit,
              t0.escalation_level, t0.cancel_reason, t0.created_at, t0.claimed_at, t0.first_holder, t0.duration_working_ms,
              t0.waiting_working_ms from tasks t0 where t0.instance_id = p.id offset 0) t`
          : sql`tasks t join pop p on p.id = t.instance_id`
      }
      left join re on re.instance_id = t.instance_id and re.node_id = t.node_id
      -- A fence: each row's columns are computed once here, not again in every aggregate using them.
      offset 0
    )`;
}

/**
 * Populations up to this many instances read their tasks by index, one instance at a time;
 * larger ones hash every task (PostgreSQL, 589,000 tasks: hashing them all costs ≈ 0.3 s
 * whatever the population; looking up 11,800 instances' tasks ≈ 0.11 s, about 10 µs each).
 */
export const lookUpTasksUpTo = 20_000;

/** The step report's counts over `tf` (see {@link taskFactsSql}), deadlines judged at `now`. */
export function stepCountsSql(now: Date): RawBuilder<unknown> {
  return sql`count(*)::int as tasks,
      count(*) filter (where done)::int as completed,
      count(*) filter (where status in ('open', 'claimed'))::int as open,
      count(*) filter (where done and visit >= visits)::int as passed,
      count(*) filter (where status = 'cancelled' and cancel_reason = 'returned')::int as returned,
      count(*) filter (where visit > 1)::int as rework,
      count(*) filter (where due_at is not null)::int as with_deadline,
      count(*) filter (where due_at is not null and (completed_at is not null or due_at < ${now}))::int as judged,
      count(*) filter (where due_at is not null and completed_at is not null and completed_at <= due_at)::int as met,
      coalesce(sum(escalations), 0)::int as escalations`;
}

/** The step report's counts of one node, as SQL answers them. */
export interface StepCounts {
  node_id: string;
  tasks: number;
  completed: number;
  open: number;
  passed: number;
  returned: number;
  rework: number;
  with_deadline: number;
  judged: number;
  met: number;
  escalations: number;
}

/** A step's measures from its counts and its six spreads (in {@link stepDurations}' order). */
export function stepMeasuresOf(
  counts: StepCounts,
  spreads: readonly Spread[],
  names: Map<string, LocalizedText>,
): StepMeasures {
  const num = (v: number | string | null | undefined) => Number(v ?? 0);
  const nodeId = String(counts.node_id);
  return {
    nodeId,
    name: names.get(nodeId) ?? null,
    tasks: num(counts.tasks),
    completed: num(counts.completed),
    open: num(counts.open),
    durationClockHours: spreads[0]!,
    durationWorkingHours: spreads[1]!,
    waitingClockHours: spreads[2]!,
    waitingWorkingHours: spreads[3]!,
    workingClockHours: spreads[4]!,
    workingWorkingHours: spreads[5]!,
    passRate: ratio(num(counts.passed), num(counts.completed) + num(counts.returned)),
    rework: num(counts.rework),
    withDeadline: num(counts.with_deadline),
    deadlineHitRate: ratio(num(counts.met), num(counts.judged)),
    escalations: num(counts.escalations),
  };
}

/** Hours (2 decimals) of a value in ms as SQL answers it; null stays null. */
export const hoursOf = (v: number | string | null | undefined): number | null =>
  v === null || v === undefined ? null : Math.round((Number(v) / hour) * 100) / 100;

/**
 * Per-step measures (see `docs/analytics.md`) with exact percentiles, aggregated in SQL over
 * every task of the population: one row per node comes back. `stepAnalytics` (in
 * `step-rollups.ts`) calls this unless the population is large enough for the rollups.
 */
export async function exactStepAnalytics(
  db: Kysely<Database>,
  model: AnalyticsModel,
  query: AnalyticsQuery,
  now = new Date(),
): Promise<StepAnalytics> {
  const span = await populationSpan(db, model, query, true);
  if (!span)
    return { modelKey: model.key, instances: 0, calendar: model.calendarId, exactPercentiles: true, steps: [] };
  const days = workingDaysSql(model, span.from, span.to);
  const aggregates = stepDurations.map(([name, x]) => {
    const e = sql.raw(x);
    return sql`percentile_cont(0.5) within group (order by ${e}) filter (where done) as ${sql.ref(`${name}_p50`)},
      percentile_cont(0.9) within group (order by ${e}) filter (where done) as ${sql.ref(`${name}_p90`)},
      avg(${e}) filter (where done) as ${sql.ref(`${name}_mean`)}`;
  });
  const { rows } = await sql<StepCounts & Record<string, number | string | null>>`with ${populationSql(model, query)},
    ${days.cte},
    ${taskFactsSql(model.timeZone, days.width, span.withTasks)}
    select node_id, ${stepCountsSql(now)}, ${sql.join(aggregates, sql`, `)}
    from tf group by node_id`.execute(db);
  const names = await nodeNames(db, model);
  const steps = rows.map((r) =>
    stepMeasuresOf(
      r,
      stepDurations.map(([name]) => ({
        p50: hoursOf(r[`${name}_p50`]),
        p90: hoursOf(r[`${name}_p90`]),
        mean: hoursOf(r[`${name}_mean`]),
      })),
      names,
    ),
  );
  sortSteps(steps);
  return { modelKey: model.key, instances: span.withTasks, calendar: model.calendarId, exactPercentiles: true, steps };
}

/** The report's order: most tasks first, then by node id. */
export function sortSteps(steps: StepMeasures[]): void {
  steps.sort((a, b) => b.tasks - a.tasks || a.nodeId.localeCompare(b.nodeId));
}

/** One instance with its path of user-task nodes, end node and last activity. */
interface InstanceFacts {
  id: string;
  created_at: Date;
  ended_at: Date | null;
  status: string;
  path: string | null;
  end_node: string | null;
  last_at: Date;
  /** Working ms once ended (null for rows from before it was stored: counted here). */
  cycle_working_ms: number | null;
  /** The data's `attributedAmount` when a number. */
  amount: number | null;
}

/** The instances of the population, one row each, with the facts the run loop wrote on them. */
async function loadInstances(
  db: Kysely<Database>,
  model: AnalyticsModel,
  query: AnalyticsQuery,
  names?: Record<string, string>,
): Promise<InstanceFacts[]> {
  const { rows } = await sql<InstanceFacts>`with ${populationSql(model, query, names)}
    select p.id, p.created_at, p.ended_at, p.status, p.path, p.end_node, p.updated_at as last_at, p.cycle_working_ms,
      case when jsonb_typeof(p.data->'attributedAmount') = 'number' then (p.data->>'attributedAmount')::float8 end as amount
    from pop p order by p.created_at`.execute(db);
  return rows;
}

/** Whether an instance entered some user task more than once (rework: not a first pass). */
function repeats(path: string | null): boolean {
  if (path === null) return false;
  const nodes = path.split('>');
  return new Set(nodes).size !== nodes.length;
}

/** An ended instance's working ms: as stored, or counted on the model's calendar for older rows. */
function cycleWorkingMs(model: AnalyticsModel, r: InstanceFacts): number {
  return r.cycle_working_ms ?? model.calendar.workingMillisBetween(r.created_at.getTime(), r.ended_at!.getTime());
}

/** An instance untouched for this long while running counts as abandoned. */
const abandonedAfterMs = 30 * day;

/** Per-process measures (see `docs/analytics.md`). */
export async function processAnalytics(
  db: Kysely<Database>,
  model: AnalyticsModel,
  query: AnalyticsQuery,
): Promise<ProcessAnalytics> {
  const now = Date.now();
  const windowEnd = Math.min(now, query.to ? Date.parse(query.to) : now);
  const span = await populationSpan(db, model, query);
  // Working time of rows from before it was stored on them: the calendar as a table.
  const days = workingDaysSql(model, span?.from ?? now, span?.to ?? now);
  const facts = sql`${populationSql(model, query)}, ${days.cte},
    x as (
      select p.status, p.created_at, p.ended_at, p.path, p.end_node,
        p.status = 'completed' and p.ended_at is not null as done,
        date_part('epoch', p.ended_at - p.created_at) * 1000 as cyc,
        case when p.status = 'completed' and p.ended_at is not null then coalesce(p.cycle_working_ms,
          ${workingBetweenSql(sql`p.created_at`, sql`p.ended_at`, model.timeZone, days.width)}) end as cyc_w,
        p.status = 'terminated' or (p.status = 'running' and p.updated_at < ${new Date(now - abandonedAfterMs)}) as abandoned
      from pop p
    )`;
  const windowStart = query.from ? Date.parse(query.from) : (span?.from ?? now);
  const [totals, variantRows, weekRows] = await Promise.all([
    sql<{
      instances: number;
      completed: number;
      running: number;
      terminated: number;
      abandoned: number;
      cyc: number[] | null;
      cyc_mean: number | null;
      cyc_max: number | null;
      cyc_w: number[] | null;
      cyc_w_mean: number | null;
      open_ms: number | null;
      completed_in_window: number;
    }>`with ${facts}
      select count(*)::int as instances, count(*) filter (where done)::int as completed,
        count(*) filter (where status = 'running')::int as running, count(*) filter (where status = 'terminated')::int as terminated,
        count(*) filter (where abandoned)::int as abandoned,
        percentile_cont(array[0.5, 0.9, 0.95]) within group (order by cyc) filter (where done) as cyc,
        avg(cyc) filter (where done) as cyc_mean, max(cyc) filter (where done) as cyc_max,
        percentile_cont(array[0.5, 0.9]) within group (order by cyc_w) filter (where done) as cyc_w,
        avg(cyc_w) filter (where done) as cyc_w_mean,
        sum(greatest(0, least(${windowEnd}::float8, coalesce(date_part('epoch', ended_at) * 1000, ${windowEnd}::float8))
          - greatest(${windowStart}::float8, date_part('epoch', created_at) * 1000))) as open_ms,
        count(*) filter (where done and ended_at <= ${new Date(windowEnd)})::int as completed_in_window
      from x`.execute(db),
    sql<{ path: string | null; end_node: string | null; count: number; p: number[]; mean: number }>`with ${facts}
      select path, end_node, count(*)::int as count, percentile_cont(array[0.5, 0.9]) within group (order by cyc) as p, avg(cyc) as mean
      from x where done group by path, end_node`.execute(db),
    // One pass over the population (a union of two reads of it would materialise it first).
    sql<{ week: string; started: number; completed: number }>`with ${populationSql(model, query)}
      select to_char(y.w, 'YYYY-MM-DD') as week, sum(y.s)::int as started, sum(y.c)::int as completed
      from pop p cross join lateral (values (date_trunc('week', p.created_at at time zone 'UTC'), 1, 0),
        (case when p.status = 'completed' and p.ended_at is not null then date_trunc('week', p.ended_at at time zone 'UTC') end, 0, 1)) as y(w, s, c)
      where y.w is not null group by y.w order by y.w`.execute(db),
  ]);
  const t = totals.rows[0]!;
  const completedCount = t.completed;
  const spread = (p: number[] | null, mean: number | null): Spread => ({
    p50: hoursOf(p?.[0]),
    p90: hoursOf(p?.[1]),
    mean: hoursOf(mean),
  });
  // Histogram in calendar days: bins of 2 days up to the 95th percentile, then one open bin.
  const histogram: ProcessAnalytics['cycleHistogram'] = [];
  if (completedCount > 0 && t.cyc && t.cyc_max !== null) {
    const top = Math.max(2, Math.ceil(Number(t.cyc[2]) / day / 2) * 2);
    for (let fromDays = 0; fromDays < top; fromDays += 2) histogram.push({ fromDays, toDays: fromDays + 2, count: 0 });
    histogram.push({ fromDays: top, toDays: Math.ceil(Number(t.cyc_max) / day) + 1, count: 0 });
    const { rows: bins } = await sql<{ bin: number; count: number }>`with ${facts}
      select least(${histogram.length - 1}, floor(cyc / ${2 * day}))::int as bin, count(*)::int as count
      from x where done group by 1`.execute(db);
    for (const b of bins) histogram[b.bin]!.count += b.count;
  }
  const variants = variantRows.rows.sort(
    (a, b) => b.count - a.count || `${a.path}|${a.end_node}`.localeCompare(`${b.path}|${b.end_node}`),
  );
  const outcomes = new Map<string, number>();
  for (const v of variants) outcomes.set(v.end_node ?? '?', (outcomes.get(v.end_node ?? '?') ?? 0) + v.count);
  const firstPass = variants.filter((v) => !repeats(v.path)).reduce((sum, v) => sum + v.count, 0);
  const names = await nodeNames(db, model);
  // Little's law over the window: average WIP = total time instances were open within it / its length.
  const windowMs = Math.max(0, windowEnd - windowStart);
  const averageWip = windowMs > 0 ? Number(t.open_ms ?? 0) / windowMs : null;
  const throughputPerDay = windowMs > 0 ? t.completed_in_window / (windowMs / day) : null;
  const meanCycleDays = t.cyc_mean === null ? null : Number(t.cyc_mean) / day;
  const predictedWip = throughputPerDay !== null && meanCycleDays !== null ? throughputPerDay * meanCycleDays : null;
  const littleRatio = averageWip !== null && predictedWip ? averageWip / predictedWip : null;
  const releases = await db
    .selectFrom('deployments as d')
    .innerJoin('process_versions as v', 'v.id', 'd.version_id')
    .select(['d.id', 'v.number', 'd.cohort', 'd.started_at', 'd.ended_at'])
    .where('d.model_id', '=', model.id)
    .orderBy('d.started_at')
    .execute();
  const r2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
  return {
    modelKey: model.key,
    calendar: model.calendarId,
    instances: t.instances,
    completed: completedCount,
    running: t.running,
    terminated: t.terminated,
    cycleClockHours: spread(t.cyc, t.cyc_mean),
    cycleWorkingHours: spread(t.cyc_w, t.cyc_w_mean),
    cycleHistogram: histogram,
    throughputPerWeek: weekRows.rows.map((w) => ({ week: w.week, started: w.started, completed: w.completed })),
    workInProgress: t.running,
    abandonedShare: ratio(t.abandoned, t.instances),
    firstPassYield: ratio(firstPass, completedCount),
    outcomes: [...outcomes.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([endNode, count]) => ({ endNode, name: names.get(endNode) ?? null, count })),
    variants: variants.slice(0, 20).map((v) => ({
      path: [...(v.path ? v.path.split('>') : []), ...(v.end_node ? [v.end_node] : [])],
      count: v.count,
      share: ratio(v.count, completedCount) ?? 0,
      cycleClockHours: spread(v.p, v.mean),
    })),
    littlesLaw: {
      windowDays: Math.round((windowMs / day) * 10) / 10,
      averageWip: r2(averageWip),
      throughputPerDay: r2(throughputPerDay),
      meanCycleDays: r2(meanCycleDays),
      predictedWip: r2(predictedWip),
      ratio: r2(littleRatio),
      consistent: littleRatio !== null && Math.abs(littleRatio - 1) <= 0.25,
    },
    releases: releases.map((d) => ({
      deploymentId: d.id,
      version: d.number,
      cohort:
        d.cohort.type === 'teams'
          ? `teams:${d.cohort.teams.join(',')}`
          : d.cohort.type === 'share'
            ? `share:${d.cohort.percent}`
            : 'all',
      startedAt: d.started_at.toISOString(),
      endedAt: d.ended_at ? d.ended_at.toISOString() : null,
    })),
  };
}

/** Node names of every version of the model (the newest name wins). */
export async function nodeNames(db: Kysely<Database>, model: AnalyticsModel): Promise<Map<string, LocalizedText>> {
  const { rows } = await sql<{ id: string; name: LocalizedText | null }>`
    select n->>'id' as id, n->'name' as name
    from process_versions v, jsonb_array_elements(v.definition->'nodes') n
    where v.model_id = ${model.id} order by v.number`.execute(db);
  const names = new Map<string, LocalizedText>();
  for (const r of rows) if (r.name) names.set(r.id, r.name);
  return names;
}

/** Team performance (see `docs/analytics.md`). */
export async function teamAnalytics(
  db: Kysely<Database>,
  model: AnalyticsModel,
  query: AnalyticsQuery,
): Promise<TeamAnalytics> {
  // One scan of the population's tasks, three groupings: by first holder (held, followed up),
  // by assignee (open load, overdue while open), by completer (deadlines met, deals).
  const now = new Date();
  const { rows: counts } = await sql<{
    first_holder: string | null;
    assignee: string | null;
    completed_by: string | null;
    held: number;
    done: number;
    open_load: number;
    overdue: number;
    judged: number;
    met: number;
    deals: number;
    amount: number | null;
    set: number;
  }>`with ${populationSql(model, query)}
    select t.first_holder, t.assignee, t.completed_by_username as completed_by,
      grouping(t.first_holder, t.assignee, t.completed_by_username)::int as set,
      count(*)::int as held,
      count(*) filter (where t.status = 'completed' and t.completed_by_username = t.first_holder)::int as done,
      count(*) filter (where t.status in ('open', 'claimed'))::int as open_load,
      count(*) filter (where t.status <> 'completed' and t.due_at < ${now})::int as overdue,
      count(*) filter (where t.status = 'completed' and t.due_at is not null)::int as judged,
      count(*) filter (where t.status = 'completed' and t.completed_at <= t.due_at)::int as met,
      count(*) filter (where t.status = 'completed' and t.output->'signed' = 'true'::jsonb)::int as deals,
      sum(case when jsonb_typeof(t.output->'contractAmount') = 'number' then (t.output->>'contractAmount')::float8 end)
        filter (where t.status = 'completed' and t.output->'signed' = 'true'::jsonb) as amount
    from tasks t join pop p on p.id = t.instance_id
    group by grouping sets ((t.first_holder), (t.assignee), (t.completed_by_username))`.execute(db);
  const { rows: presence } = await sql<{ actor: string; days: number }>`with ${populationSql(model, query)}
    select e.actor, count(distinct (e.at at time zone ${model.timeZone})::date)::int as days
    from events e join pop p on p.id = e.instance_id where e.actor is not null group by e.actor`.execute(db);
  const users = await db
    .selectFrom('users as u')
    .leftJoin('teams as t', 't.id', 'u.team_id')
    .select(['u.username', 'u.display_name', 't.key as team', 't.name as team_name'])
    .execute();
  const daysOf = new Map(presence.map((p) => [p.actor, p.days]));
  const people = new Map<string, PerformerMeasures & { met: number; judged: number }>();
  const entry = (username: string) => {
    let p = people.get(username);
    if (!p) {
      const u = users.find((x) => x.username === username);
      p = {
        username,
        displayName: u?.display_name ?? username,
        team: u?.team ?? null,
        deals: 0,
        dealAmount: 0,
        tasksHeld: 0,
        tasksCompleted: 0,
        followUpRate: null,
        deadlineHitRate: null,
        openLoad: 0,
        daysPresent: daysOf.get(username) ?? 0,
        dealsPerDayPresent: null,
        dealAmountPerDayPresent: null,
        tasksPerDayPresent: null,
        met: 0,
        judged: 0,
      };
      people.set(username, p);
    }
    return p;
  };
  // `grouping()` sets a bit per key left out of the row's set (first holder 4, assignee 2,
  // completer 1); a null key of the row's own set is "nobody".
  const bySet = (key: 'first_holder' | 'assignee' | 'completed_by', set: number) =>
    counts.filter((r) => r.set === set && r[key] !== null);
  for (const r of bySet('first_holder', 0b011)) {
    const p = entry(r.first_holder!);
    p.tasksHeld += r.held;
    p.tasksCompleted += r.done;
  }
  for (const r of bySet('assignee', 0b101)) {
    if (r.open_load === 0 && r.overdue === 0) continue;
    const p = entry(r.assignee!);
    p.openLoad += r.open_load;
    p.judged += r.overdue;
  }
  for (const r of bySet('completed_by', 0b110)) {
    const p = entry(r.completed_by!);
    p.judged += r.judged;
    p.met += r.met;
    p.deals += r.deals;
    p.dealAmount += r.amount ?? 0;
  }
  const perDay = (v: number, d: number) => (d === 0 ? null : Math.round((v / d) * 1000) / 1000);
  const list: PerformerMeasures[] = [...people.values()]
    .map(({ met, judged, ...p }) => ({
      ...p,
      followUpRate: ratio(p.tasksCompleted, p.tasksHeld),
      deadlineHitRate: ratio(met, judged),
      dealsPerDayPresent: perDay(p.deals, p.daysPresent),
      dealAmountPerDayPresent: perDay(p.dealAmount, p.daysPresent),
      tasksPerDayPresent: perDay(p.tasksCompleted, p.daysPresent),
    }))
    .sort((a, b) => b.dealAmount - a.dealAmount || a.username.localeCompare(b.username));
  const teams = new Map<string, TeamMeasures & { held: number; done: number; met: number; judged: number }>();
  for (const p of people.values()) {
    if (!p.team) continue;
    const u = users.find((x) => x.team === p.team);
    const t = teams.get(p.team) ?? {
      team: p.team,
      name: u?.team_name ?? null,
      people: 0,
      deals: 0,
      dealAmount: 0,
      followUpRate: null,
      deadlineHitRate: null,
      openLoad: 0,
      daysPresent: 0,
      dealAmountPerDayPresent: null,
      held: 0,
      done: 0,
      met: 0,
      judged: 0,
    };
    t.people++;
    t.deals += p.deals;
    t.dealAmount += p.dealAmount;
    t.openLoad += p.openLoad;
    t.daysPresent += p.daysPresent;
    t.held += p.tasksHeld;
    t.done += p.tasksCompleted;
    t.met += p.met;
    t.judged += p.judged;
    teams.set(p.team, t);
  }
  return {
    modelKey: model.key,
    people: list,
    teams: [...teams.values()]
      .map(({ held, done, met, judged, ...t }) => ({
        ...t,
        followUpRate: ratio(done, held),
        deadlineHitRate: ratio(met, judged),
        dealAmountPerDayPresent: perDay(t.dealAmount, t.daysPresent),
      }))
      .sort((a, b) => a.team.localeCompare(b.team)),
  };
}

/** Fewer completed instances than this in either group: the verdict is "too few data". */
export const minimumPerGroup = 20;

/** Groups up to this size are resampled value by value; larger ones draw each resample's statistic from its large-sample law. */
export const bootstrapExactUpTo = 1_000;

/** Compares population B with A (see `docs/analytics.md`). */
export async function compareAnalytics(
  db: Kysely<Database>,
  model: AnalyticsModel,
  query: CompareQuery,
): Promise<{
  modelKey: string;
  seed: number;
  resamples: number;
  minimumPerGroup: number;
  exactResamplingUpTo: number;
  measures: ComparedMeasure[];
}> {
  const pick = (side: 'a' | 'b'): AnalyticsQuery => {
    const q: AnalyticsQuery = {};
    const get = (name: string) => (query as Record<string, unknown>)[`${side}${name}`];
    if (get('Version') !== undefined) q.version = get('Version') as number;
    if (get('Team') !== undefined) q.team = get('Team') as string;
    if (get('Cohort') !== undefined) q.cohort = get('Cohort') as number;
    if (get('From') !== undefined) q.from = get('From') as string;
    if (get('To') !== undefined) q.to = get('To') as string;
    return q;
  };
  const seed = query.seed ?? 1;
  const resamples = query.resamples ?? 1000;
  const [rowsA, rowsB] = await Promise.all([
    loadInstances(db, model, pick('a'), { from: 'aFrom', to: 'aTo' }),
    loadInstances(db, model, pick('b'), { from: 'bFrom', to: 'bTo' }),
  ]);
  const done = (rows: InstanceFacts[]) => rows.filter((r) => r.status === 'completed' && r.ended_at);
  const cycle = (rows: InstanceFacts[]) => done(rows).map((r) => cycleWorkingMs(model, r) / hour);
  const fpy = (rows: InstanceFacts[]) => done(rows).map((r) => (repeats(r.path) ? 0 : 1));
  const amount = (rows: InstanceFacts[]) => done(rows).map((r) => r.amount ?? 0);
  const random = createRandom(seed);
  const measures: ComparedMeasure[] = [
    compareOne('cycleWorkingHoursMedian', cycle(rowsA), cycle(rowsB), 'median', 'lower', resamples, random),
    compareOne('cycleWorkingHoursMean', cycle(rowsA), cycle(rowsB), 'mean', 'lower', resamples, random),
    compareOne('firstPassYield', fpy(rowsA), fpy(rowsB), 'mean', 'higher', resamples, random),
    compareOne('dealAmountPerInstance', amount(rowsA), amount(rowsB), 'mean', 'higher', resamples, random),
  ];
  return { modelKey: model.key, seed, resamples, minimumPerGroup, exactResamplingUpTo: bootstrapExactUpTo, measures };
}

/** The statistics a comparison bootstraps. */
export type Statistic = 'median' | 'mean';

/** The median or mean of values. */
export function statisticOf(statistic: Statistic, values: readonly number[]): number {
  if (statistic === 'mean') return values.reduce((s, x) => s + x, 0) / values.length;
  return quantile(
    [...values].sort((x, y) => x - y),
    0.5,
  );
}

/** A standard normal draw (Box–Muller) from uniform draws. */
function normalDraw(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * Draws bootstrap resamples (n values with replacement) of one group and returns each one's
 * statistic, without building or sorting the resamples: a median is read off the counts of
 * draws per rank of the sorted values, so a resample costs O(n) however large the group.
 * Above `exactUpTo` values a resample costs O(1): its mean is drawn from N(mean, sd² / n) (sd
 * with divisor n, the resampling variance), its median as the value at rank (n − 1) / 2 + Z·√n / 2
 * (the count of draws at or below a rank is binomial; near the middle its normal limit puts the
 * resample median's rank there), interpolated as `quantile()` does. With thousands of values the
 * two laws differ from the resampled ones by less than the rounding of the interval shown.
 */
export class Resampler {
  private readonly sorted: Float64Array;
  private readonly counts: Uint32Array | null;
  private readonly mean: number;
  private readonly sd: number;

  constructor(
    values: readonly number[],
    private readonly statistic: Statistic,
    exactUpTo = bootstrapExactUpTo,
  ) {
    this.sorted = Float64Array.from(values).sort();
    const n = values.length;
    this.counts = n <= exactUpTo ? new Uint32Array(n) : null;
    let sum = 0;
    for (const x of values) sum += x;
    this.mean = n > 0 ? sum / n : Number.NaN;
    let squares = 0;
    for (const x of values) squares += (x - this.mean) ** 2;
    this.sd = n > 0 ? Math.sqrt(squares / n) : Number.NaN;
  }

  next(random: () => number): number {
    const { sorted, counts } = this;
    const n = sorted.length;
    if (counts === null) {
      if (this.statistic === 'mean') return this.mean + (normalDraw(random) * this.sd) / Math.sqrt(n);
      const rank = Math.min(n - 1, Math.max(0, (n - 1) / 2 + (normalDraw(random) * Math.sqrt(n)) / 2));
      return quantile(sorted, rank / (n - 1));
    }
    if (this.statistic === 'mean') {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += sorted[Math.floor(random() * n)]!;
      return sum / n;
    }
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(random() * n)]!++;
    // The order statistics at floor and ceil of (n − 1) / 2, interpolated as quantile() does.
    const pos = (n - 1) / 2;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    let seen = 0;
    let low = Number.NaN;
    for (let rank = 0; rank < n; rank++) {
      seen += counts[rank]!;
      if (Number.isNaN(low) && seen > lo) low = sorted[rank]!;
      if (seen > hi) return low + (sorted[rank]! - low) * (pos - lo);
    }
    return low;
  }
}

const measureNames: Record<ComparedMeasure['measure'], LocalizedText & { unit: string; unitZh: string }> = {
  cycleWorkingHoursMedian: {
    en: 'Median cycle time',
    'zh-CN': '周期中位数',
    unit: ' working hours',
    unitZh: ' 工作小时',
  },
  cycleWorkingHoursMean: { en: 'Mean cycle time', 'zh-CN': '平均周期', unit: ' working hours', unitZh: ' 工作小时' },
  firstPassYield: { en: 'First-pass yield', 'zh-CN': '一次通过率', unit: '', unitZh: '' },
  dealAmountPerInstance: {
    en: 'Attributed amount per completed instance',
    'zh-CN': '每个完成实例的归属金额',
    unit: ' CNY',
    unitZh: ' 元',
  },
};

/**
 * One measure: the statistic of A and B, b − a, a percentile bootstrap 95 % interval of b − a
 * (`resamples` resamples of each group with replacement), and a verdict. Fewer than
 * {@link minimumPerGroup} values in a group: "too few data", no interval.
 */
export function compareOne(
  measure: ComparedMeasure['measure'],
  a: readonly number[],
  b: readonly number[],
  statistic: Statistic,
  better: 'lower' | 'higher',
  resamples: number,
  random: () => number,
): ComparedMeasure {
  const names = measureNames[measure];
  const r2 = (v: number) => Math.round(v * 100) / 100;
  const base = {
    measure,
    a: a.length > 0 ? r2(statisticOf(statistic, a)) : null,
    b: b.length > 0 ? r2(statisticOf(statistic, b)) : null,
    nA: a.length,
    nB: b.length,
  };
  if (a.length < minimumPerGroup || b.length < minimumPerGroup) {
    return {
      ...base,
      difference: base.a !== null && base.b !== null ? r2(base.b - base.a) : null,
      ciLow: null,
      ciHigh: null,
      verdict: 'tooFewData',
      text: {
        en: `${names.en}: too few completed instances to tell (A ${a.length}, B ${b.length}; at least ${minimumPerGroup} each are needed).`,
        'zh-CN': `${names['zh-CN']}：已完成实例太少，无法判断（A ${a.length} 个，B ${b.length} 个；每组至少需要 ${minimumPerGroup} 个）。`,
      },
    };
  }
  const resampleA = new Resampler(a, statistic);
  const resampleB = new Resampler(b, statistic);
  const diffs = new Float64Array(resamples);
  for (let i = 0; i < resamples; i++) {
    const sb = resampleB.next(random);
    diffs[i] = sb - resampleA.next(random);
  }
  diffs.sort();
  const low = r2(quantile(diffs, 0.025));
  const high = r2(quantile(diffs, 0.975));
  const difference = r2(statisticOf(statistic, b) - statisticOf(statistic, a));
  const verdict: ComparedMeasure['verdict'] =
    low <= 0 && high >= 0 ? 'noDifference' : difference < 0 === (better === 'lower') ? 'better' : 'worse';
  // As the page's table writes them: a minus sign, thousands separators, hours to one decimal,
  // amounts to the yuan, the yield in percentage points.
  const fmt = (v: number) => {
    const digits = measure === 'dealAmountPerInstance' ? 0 : 1;
    const x = measure === 'firstPassYield' ? v * 100 : v;
    const text = Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
    return `${x < 0 && text !== '0' ? '−' : ''}${text}${measure === 'firstPassYield' ? ' %' : ''}`;
  };
  const interval = `${fmt(low)} … ${fmt(high)}`;
  const text: LocalizedText =
    verdict === 'noDifference'
      ? {
          en: `${names.en}: no clear difference (B − A = ${fmt(difference)}${names.unit}; 95 % interval ${interval} includes 0).`,
          'zh-CN': `${names['zh-CN']}：没有明显差异（B − A = ${fmt(difference)}${names.unitZh}；95% 区间 ${interval} 包含 0）。`,
        }
      : {
          en: `${names.en}: B is ${verdict === 'better' ? 'better' : 'worse'} than A by ${fmt(Math.abs(difference))}${names.unit} (95 % interval of B − A: ${interval}).`,
          'zh-CN': `${names['zh-CN']}：B 比 A ${verdict === 'better' ? '更好' : '更差'}，差 ${fmt(Math.abs(difference))}${names.unitZh}（B − A 的 95% 区间：${interval}）。`,
        };
  return { ...base, difference, ciLow: low, ciHigh: high, verdict, text };
}

/** One event of the exported log: a task scheduled, started or completed. */
interface LogEvent {
  case_id: string;
  business_key: string | null;
  activity: string;
  activity_zh: string | null;
  lifecycle: 'schedule' | 'start' | 'complete';
  at: Date;
  resource: string | null;
}

/** The event log: per task its creation (schedule), claim (start) and completion (complete), in time order. */
export async function eventLog(
  db: Kysely<Database>,
  model: AnalyticsModel,
  query: AnalyticsQuery,
): Promise<LogEvent[]> {
  const tasks = await loadTasks(db, model, query);
  const names = await nodeNames(db, model);
  const { rows: keys } = await sql<{ id: string; business_key: string | null }>`with ${populationSql(model, query)}
    select id, business_key from pop`.execute(db);
  const businessKeys = new Map(keys.map((k) => [k.id, k.business_key]));
  const out: LogEvent[] = [];
  for (const t of tasks) {
    const base = {
      case_id: t.instance_id,
      business_key: businessKeys.get(t.instance_id) ?? null,
      activity: names.get(t.node_id)?.en ?? t.node_id,
      activity_zh: names.get(t.node_id)?.['zh-CN'] ?? null,
    };
    out.push({ ...base, lifecycle: 'schedule', at: t.created_at, resource: t.assignee });
    const started = claimedAt(t);
    if (t.status === 'completed' && t.completed_at) {
      if (started) out.push({ ...base, lifecycle: 'start', at: started, resource: t.first_holder ?? t.completed_by });
      out.push({ ...base, lifecycle: 'complete', at: t.completed_at, resource: t.completed_by });
    } else if (t.claimed_at) out.push({ ...base, lifecycle: 'start', at: t.claimed_at, resource: t.first_holder });
  }
  out.sort((a, b) => a.case_id.localeCompare(b.case_id) || a.at.getTime() - b.at.getTime());
  return out;
}

/** Quotes a CSV field (RFC 4180) and neutralises spreadsheet formulas (a leading =, +, -, @). */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : JSON.stringify(value);
  if (/^[=+\-@]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document from a header and rows. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  return [header.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\r\n') + '\r\n';
}

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** The event log as XES 2.0 (IEEE 1849): one trace per instance, the concept, lifecycle, time and org extensions. */
export function toXes(modelKey: string, events: readonly LogEvent[]): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<log xes.version="2.0" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">',
    '  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>',
    '  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>',
    '  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>',
    '  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>',
    '  <global scope="trace"><string key="concept:name" value="UNKNOWN"/></global>',
    '  <global scope="event"><string key="concept:name" value="UNKNOWN"/><string key="lifecycle:transition" value="complete"/><date key="time:timestamp" value="1970-01-01T00:00:00.000Z"/></global>',
    '  <classifier name="Activity" keys="concept:name"/>',
    `  <string key="concept:name" value="${xmlEscape(modelKey)}"/>`,
  ];
  let current: string | undefined;
  for (const e of events) {
    if (e.case_id !== current) {
      if (current !== undefined) lines.push('  </trace>');
      current = e.case_id;
      lines.push('  <trace>', `    <string key="concept:name" value="${xmlEscape(e.case_id)}"/>`);
      if (e.business_key !== null) lines.push(`    <string key="businessKey" value="${xmlEscape(e.business_key)}"/>`);
    }
    lines.push(
      '    <event>',
      `      <string key="concept:name" value="${xmlEscape(e.activity)}"/>`,
      `      <string key="lifecycle:transition" value="${e.lifecycle}"/>`,
      `      <date key="time:timestamp" value="${e.at.toISOString()}"/>`,
      ...(e.resource !== null ? [`      <string key="org:resource" value="${xmlEscape(e.resource)}"/>`] : []),
      '    </event>',
    );
  }
  if (current !== undefined) lines.push('  </trace>');
  lines.push('</log>');
  return `${lines.join('\n')}\n`;
}
