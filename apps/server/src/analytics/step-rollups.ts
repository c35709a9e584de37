/**
 * Step rollups: the per-step report over a large history without reading every task.
 *
 * The history is cut into *parts*: a model's instances of one version, one team (`team_key`, 0
 * for none) and one start month (UTC). For each settled part, `step_rollups` holds per node the
 * report's counts, the sums of the six durations, the deadlines still ahead at the refresh and a
 * histogram of each duration in logarithmic buckets 2 % wide (a value is read back as its
 * bucket's centre: within 1 % of it, DDSketch's bound; values below 1 second are read as half a
 * second, so a percentile is within 1 % plus at most a second).
 *
 * A report (see {@link stepAnalytics}) adds up the rollups of the parts that lie wholly inside
 * its filters and are settled, and reads the tasks of the rest (the parts cut by its period, and
 * the unsettled ones) into the same buckets. Counts, rates and means stay exact; percentiles are
 * within 1 %. Below {@link percentileRollupsFrom} tasks in settled parts the report reads every
 * task and its percentiles are exact, as before.
 *
 * Freshness by construction: every statement that writes an instance or its tasks (the run
 * loop's `writeSteps`, a migration to another version) appends its part to `analytics_changes`
 * in the same transaction, and a part with a row there is read from its tasks. The refresher
 * ({@link refreshStepRollups}, run by the runtime's `RollupRefresher`) deletes the rows it sees,
 * then recomputes those parts in the same transaction: a write committed meanwhile left its own
 * row, which the delete did not see, so its part stays unsettled until the next refresh.
 *
 * @module
 */
import { type CalendarSpec } from '@baton/definition';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { AnalyticsQuery, Spread, StepAnalytics, StepMeasures } from '@baton/client/contract';
import type { Database } from '../db/schema.ts';
import {
  type AnalyticsModel,
  type StepCounts,
  exactStepAnalytics,
  hoursOf,
  loadAnalyticsModel,
  nodeNames,
  populationSql,
  sortSteps,
  stepCountsSql,
  stepDurations,
  stepMeasuresOf,
  taskFactsSql,
  workingDaysSql,
} from './analytics-queries.ts';
import { rollupMonthSql } from './rollup-parts.ts';

export { markUnsettled as markAllUnsettled } from './rollup-parts.ts';

/** Tasks in settled parts from which the step report reads the rollups (below: every task, exact percentiles). */
export const percentileRollupsFrom = 50_000;

/** Bucket growth factor: bucket `b ≥ 1` holds [1 s · γ^(b−1), 1 s · γ^b). */
const gamma = 1.02;
const lnGamma = Math.log(gamma);
/** Buckets per measure (0: below 1 s; the last one holds everything from 1 s · γ^1022 ≈ 19 years). */
const buckets = 1024;

/** The bucket of a duration in ms (as {@link bucketSql} computes it). */
export function bucketOf(ms: number): number {
  if (!(ms >= 1000)) return 0;
  return Math.min(buckets - 1, 1 + Math.floor(Math.log(ms / 1000) / lnGamma));
}

/** The value a bucket stands for: 0.5 s for bucket 0, else the centre 2·lo·hi/(lo+hi) of its range. */
export function bucketValue(bucket: number): number {
  if (bucket <= 0) return 500;
  const hi = 1000 * gamma ** bucket;
  return (2 * hi) / (gamma + 1);
}

/** {@link bucketOf} in SQL, for a float8 expression in ms. */
function bucketSql(x: string): RawBuilder<number> {
  const e = sql.raw(x);
  return sql<number>`case when coalesce(${e}, 0) < 1000 then 0
    else least(${buckets - 1}, 1 + floor(ln(${e} / 1000) / ${lnGamma})::int) end`;
}

/**
 * The q-quantile of a histogram (bucket → count; `n` values in all), interpolated between the
 * ranks as `percentile_cont` does, each rank read as its bucket's value.
 */
export function histogramQuantile(histogram: ReadonlyMap<number, number>, n: number, q: number): number | null {
  if (n <= 0) return null;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const sorted = [...histogram.entries()].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
  const at = (rank: number): number => {
    let seen = 0;
    for (const [bucket, count] of sorted) {
      seen += count;
      if (rank < seen) return bucketValue(bucket);
    }
    return bucketValue(sorted.at(-1)?.[0] ?? 0);
  };
  const a = at(lo);
  return a + (at(hi) - a) * (pos - lo);
}

/** A part of a model's history. */
interface Part {
  version_id: number;
  team_key: number;
  /** `YYYY-MM-01`. */
  month: string;
}

/** Epoch ms of a part month's first instant and of the next month's. */
function monthSpan(month: string): [number, number] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return [Date.UTC(y, m - 1, 1), Date.UTC(y, m, 1)];
}

/** The six duration codes of a `tf` row: measure × 1024 + bucket (see {@link stepDurations}). */
const histogramCodes = sql.join(
  stepDurations.map(([, x], i) => sql`(${i * buckets} + ${bucketSql(x)})`),
  sql`), (`,
);

/**
 * The CTE `bucketed`: per group (`groupBy`: node, or part and node) of `tf`, the counts, the
 * duration sums, the deadlines ahead of `now`, and the histograms as parallel arrays of codes and counts.
 */
function bucketedSql(groupBy: string, now: Date): RawBuilder<unknown> {
  const g = sql.raw(groupBy);
  const sums = sql.join(
    stepDurations.map(([, x]) => sql`coalesce(sum(${sql.raw(x)}) filter (where done), 0)`),
    sql`, `,
  );
  return sql`hb as (select ${g}, m.code, count(*)::int as n from tf cross join lateral (values (${histogramCodes})) as m(code)
      where done group by ${g}, m.code),
    hh as (select ${g}, array_agg(code order by code) as hist_codes, array_agg(n order by code) as hist_counts from hb group by ${g}),
    ag as (select ${g}, ${stepCountsSql(now)}, array[${sums}]::float8[] as sums,
        coalesce(array_agg(due_at) filter (where due_at is not null and completed_at is null and due_at >= ${now}), '{}') as due_later
      from tf group by ${g}),
    bucketed as (select ag.*, coalesce(hh.hist_codes, '{}') as hist_codes, coalesce(hh.hist_counts, '{}') as hist_counts
      from ag left join hh using (${g}))`;
}

/** What {@link refreshStepRollups} did. */
export interface RollupRefresh {
  /** Parts recomputed. */
  parts: number;
  /** Whether more unsettled parts were waiting (it took only `limit`). */
  more: boolean;
}

/**
 * Settles up to `limit` unsettled parts, each in its own short transaction (a part is one
 * team's month of one version: a blocked connection, on PGlite the only one, is blocked briefly):
 * deletes the part's change rows, then recomputes its rollup. One part at a time across
 * refreshers (an advisory lock). `now` judges the deadlines (the report counts those still ahead
 * again when it runs).
 */
export async function refreshStepRollups(
  db: Kysely<Database>,
  options: { calendars?: readonly CalendarSpec[]; limit?: number; now?: Date } = {},
): Promise<RollupRefresh> {
  const limit = options.limit ?? 500;
  const now = options.now ?? new Date();
  const models = new Map<number, AnalyticsModel | null>();
  const settle = async (row: Part & { model_id: number }) => {
    const modelId = Number(row.model_id);
    const part: Part = { version_id: Number(row.version_id), team_key: Number(row.team_key), month: row.month };
    await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(7432101)`.execute(trx);
      await sql`select set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`.execute(trx);
      const mine = sql`model_id = ${modelId} and version_id = ${part.version_id} and team_key = ${part.team_key} and month = ${part.month}::date`;
      await sql`delete from analytics_changes where ${mine}`.execute(trx);
      await sql`delete from step_rollups where ${mine}`.execute(trx);
      await sql`delete from step_rollup_parts where ${mine}`.execute(trx);
      if (part.team_key === allTeams) {
        await mergeTeams(trx, modelId, part, now);
        return;
      }
      if (!models.has(modelId)) {
        const key = await trx.selectFrom('process_models').select('key').where('id', '=', modelId).executeTakeFirst();
        models.set(modelId, key ? await loadAnalyticsModel(trx, key.key, options.calendars ?? []) : null);
      }
      const model = models.get(modelId);
      if (model) await computePart(trx, model, part, now);
      // The version's month over all teams is unsettled until merged again (below, or next round).
      await sql`insert into analytics_changes (model_id, version_id, team_key, month)
        values (${modelId}, ${part.version_id}, ${allTeams}, ${part.month}::date)`.execute(trx);
    });
  };
  const changed = sql`select distinct model_id, version_id, team_key, month::text as month from analytics_changes`;
  const { rows } = await sql<
    Part & { model_id: number }
  >`${changed} where team_key <> ${allTeams} limit ${limit}`.execute(db);
  for (const row of rows) await settle(row);
  const { rows: merged } = await sql<Part & { model_id: number }>`${changed} where team_key = ${allTeams}`.execute(db);
  for (const row of merged) await settle(row);
  return { parts: rows.length + merged.length, more: rows.length >= limit };
}

/** The team key of a version's month over all teams (see {@link mergeTeams}). */
const allTeams = -1;

/**
 * Writes the part of a version's month over all teams (`team_key` −1) by adding up its teams'
 * rollups: a report without a team filter reads one part per version and month, however many
 * teams there are. Settled only while none of its teams' parts is unsettled (see `stepAnalytics`).
 */
async function mergeTeams(trx: Kysely<Database>, modelId: number, part: Part, now: Date): Promise<void> {
  const teams = sql`model_id = ${modelId} and version_id = ${part.version_id} and month = ${part.month}::date and team_key >= 0`;
  const key = sql`${modelId}::bigint, ${part.version_id}::bigint, ${allTeams}::bigint, ${part.month}::date`;
  await sql`insert into step_rollups (model_id, version_id, team_key, month, node_id, tasks, completed, open, passed,
      returned, rework, with_deadline, judged, met, escalations, sums, due_later, hist_codes, hist_counts)
    with src as (select * from step_rollups where ${teams}),
    hb as (select node_id, h.code, sum(h.n)::int as n from src cross join lateral unnest(hist_codes, hist_counts) as h(code, n)
      group by node_id, h.code),
    hh as (select node_id, array_agg(code order by code) as hist_codes, array_agg(n order by code) as hist_counts from hb group by node_id),
    dl as (select node_id, array_agg(d) as due_later from src cross join lateral unnest(due_later) as d group by node_id),
    ag as (select node_id, sum(tasks)::int as tasks, sum(completed)::int as completed, sum(open)::int as open,
        sum(passed)::int as passed, sum(returned)::int as returned, sum(rework)::int as rework,
        sum(with_deadline)::int as with_deadline, sum(judged)::int as judged, sum(met)::int as met,
        sum(escalations)::int as escalations,
        array[${sql.join(
          stepDurations.map((_, i) => sql`sum(sums[${sql.raw(String(i + 1))}])`),
          sql`, `,
        )}]::float8[] as sums
      from src group by node_id)
    select ${key}, ag.node_id, tasks, completed, open, passed, returned, rework, with_deadline, judged, met, escalations, sums,
      coalesce(dl.due_later, '{}'), coalesce(hh.hist_codes, '{}'), coalesce(hh.hist_counts, '{}')
    from ag left join hh using (node_id) left join dl using (node_id)`.execute(trx);
  await sql`insert into step_rollup_parts (model_id, version_id, team_key, month, instances, with_tasks, tasks, refreshed_at)
    select ${key}, sum(instances)::int, sum(with_tasks)::int, sum(tasks)::int, ${now}::timestamptz
    from step_rollup_parts where ${teams} having count(*) > 0`.execute(trx);
}

/** Writes one part's rollup from its instances' tasks (nothing when it has no instances). */
async function computePart(trx: Kysely<Database>, model: AnalyticsModel, part: Part, now: Date): Promise<void> {
  const [from, to] = monthSpan(part.month);
  const pop = sql`pop as (select i.id, i.created_at, i.version_id, i.team_id, i.path from instances i
    where i.model_id = ${model.id} and i.created_at >= ${new Date(from)} and i.created_at < ${new Date(to)}
      and i.version_id = ${part.version_id} and coalesce(i.team_id, 0) = ${part.team_key})`;
  const counted = await sql<{ instances: number; with_tasks: number }>`with ${pop}
    select count(*)::int as instances, count(*) filter (where path is not null)::int as with_tasks from pop`.execute(
    trx,
  );
  const { instances, with_tasks } = counted.rows[0] ?? { instances: 0, with_tasks: 0 };
  if (instances === 0) return;
  const days = workingDaysSql(model, from, Math.max(to, now.getTime()));
  const key = sql`${model.id}::bigint, ${part.version_id}::bigint, ${part.team_key}::bigint, ${part.month}::date`;
  await sql`insert into step_rollups (model_id, version_id, team_key, month, node_id, tasks, completed, open, passed,
      returned, rework, with_deadline, judged, met, escalations, sums, due_later, hist_codes, hist_counts)
    with ${pop}, ${days.cte}, ${taskFactsSql(model.timeZone, days.width, instances)}, ${bucketedSql('node_id', now)}
    select ${key}, node_id, tasks, completed, open, passed, returned, rework, with_deadline,
      judged, met, escalations, sums, due_later, hist_codes, hist_counts from bucketed`.execute(trx);
  await sql`insert into step_rollup_parts (model_id, version_id, team_key, month, instances, with_tasks, tasks, refreshed_at)
    select ${key}, ${instances}::int, ${with_tasks}::int,
      coalesce((select sum(tasks) from step_rollups where model_id = ${model.id} and version_id = ${part.version_id}
        and team_key = ${part.team_key} and month = ${part.month}::date), 0)::int, ${now}::timestamptz`.execute(trx);
}

/** Options of {@link stepAnalytics}. */
export interface StepAnalyticsOptions {
  /** Tasks in settled parts from which the rollups are read. @default {@link percentileRollupsFrom} */
  rollupsFrom?: number;
  /** The instant deadlines are judged at. @default now */
  now?: Date;
}

/** One node's sums being added up: counts, duration sums, histograms. */
interface NodeTotals {
  counts: StepCounts;
  sums: number[];
  histograms: Array<Map<number, number>>;
}

/**
 * The per-step report (see `docs/analytics.md`): from the step rollups when the population's
 * settled parts hold at least `rollupsFrom` tasks (percentiles within 1 %), else from every task
 * ({@link exactStepAnalytics}).
 */
export async function stepAnalytics(
  db: Kysely<Database>,
  model: AnalyticsModel,
  query: AnalyticsQuery,
  options: StepAnalyticsOptions = {},
): Promise<StepAnalytics> {
  const now = options.now ?? new Date();
  const rollupsFrom = options.rollupsFrom ?? percentileRollupsFrom;
  const window = await populationWindow(db, model, query);
  if (!window) return exactStepAnalytics(db, model, query, now);
  const [lo, hi] = window.span;
  // Without a team filter, a version's month over all teams (one part, however many teams) is read.
  const whole = query.team === undefined && window.cohortType !== 'teams';
  const filters: RawBuilder<unknown>[] = [];
  if (query.version !== undefined)
    filters.push(
      sql`c.version_id = (select v.id from process_versions v where v.model_id = ${model.id} and v.number = ${query.version})`,
    );
  if (query.team !== undefined) filters.push(sql`c.team_key in (${teamTreeSql(sql`${query.team}`)})`);
  if (query.cohort !== undefined) {
    const dep = sql`(select d.version_id, d.cohort from deployments d where d.id = ${query.cohort} and d.model_id = ${model.id})`;
    filters.push(sql`c.version_id = (select version_id from ${dep} x)`);
    if (!whole)
      filters.push(
        sql`c.team_key in (${teamTreeSql(sql`select jsonb_array_elements_text(cohort->'teams') from ${dep} x`)})`,
      );
  }
  const where = filters.length > 0 ? sql` and ${sql.join(filters, sql` and `)}` : sql``;
  const { rows: candidates } = await sql<Part & { settled: boolean; with_tasks: number; tasks: number }>`
    select c.version_id, c.team_key, c.month::text as month, c.with_tasks, c.tasks,
      not exists (select 1 from analytics_changes a where a.model_id = c.model_id and a.version_id = c.version_id
        and a.month = c.month ${whole ? sql`` : sql`and a.team_key = c.team_key`}) as settled
    from step_rollup_parts c where c.model_id = ${model.id} and c.team_key ${whole ? sql`= ${allTeams}` : sql`>= 0`}${where}
    union all
    select distinct c.version_id, ${whole ? sql`${allTeams}::bigint` : sql`c.team_key`}, c.month::text, 0, 0, false
    from analytics_changes c where c.model_id = ${model.id}${where}`.execute(db);
  const usable: Part[] = [];
  const raw: Array<[number, number]> = [];
  let settledTasks = 0;
  let withTasks = 0;
  for (const c of candidates) {
    const [start, end] = monthSpan(c.month);
    if (c.settled && start >= lo && end <= hi) {
      usable.push({ version_id: Number(c.version_id), team_key: Number(c.team_key), month: c.month });
      settledTasks += Number(c.tasks);
      withTasks += Number(c.with_tasks);
    } else if (Math.max(start, lo) < Math.min(end, hi)) raw.push([Math.max(start, lo), Math.min(end, hi)]);
  }
  if (settledTasks < rollupsFrom) return exactStepAnalytics(db, model, query, now);

  const totals = new Map<string, NodeTotals>();
  const totalsOf = (nodeId: string): NodeTotals => {
    let t = totals.get(nodeId);
    if (!t) {
      t = {
        counts: {
          node_id: nodeId,
          tasks: 0,
          completed: 0,
          open: 0,
          passed: 0,
          returned: 0,
          rework: 0,
          with_deadline: 0,
          judged: 0,
          met: 0,
          escalations: 0,
        },
        sums: stepDurations.map(() => 0),
        histograms: stepDurations.map(() => new Map<number, number>()),
      };
      totals.set(nodeId, t);
    }
    return t;
  };
  const add = (row: StepCounts & { sums: number[] }) => {
    const t = totalsOf(String(row.node_id));
    for (const k of [
      'tasks',
      'completed',
      'open',
      'passed',
      'returned',
      'rework',
      'with_deadline',
      'judged',
      'met',
      'escalations',
    ] as const)
      t.counts[k] += Number(row[k]);
    row.sums.forEach((s, i) => {
      t.sums[i]! += Number(s);
    });
  };
  const addHistogram = (nodeId: string, code: number, n: number) => {
    const h = totalsOf(nodeId).histograms[Math.floor(code / buckets)]!;
    h.set(code % buckets, (h.get(code % buckets) ?? 0) + n);
  };

  // The settled parts: their rollups added up in SQL (deadlines ahead at the refresh judged now).
  const parts = sql`unnest(${usable.map((p) => p.version_id)}::bigint[], ${usable.map((p) => p.team_key)}::bigint[],
    ${usable.map((p) => p.month)}::date[]) as u(version_id, team_key, month)`;
  const join = sql`from step_rollups r join ${parts} on r.model_id = ${model.id} and r.version_id = u.version_id
    and r.team_key = u.team_key and r.month = u.month`;
  const { rows: rolled } = await sql<StepCounts & { sums: number[] }>`select r.node_id, sum(r.tasks)::int as tasks,
      sum(r.completed)::int as completed, sum(r.open)::int as open, sum(r.passed)::int as passed, sum(r.returned)::int as returned,
      sum(r.rework)::int as rework, sum(r.with_deadline)::int as with_deadline,
      sum(r.judged + (select count(*) from unnest(r.due_later) d where d < ${now}))::int as judged,
      sum(r.met)::int as met, sum(r.escalations)::int as escalations,
      array[${sql.join(
        stepDurations.map((_, i) => sql`sum(r.sums[${sql.raw(String(i + 1))}])`),
        sql`, `,
      )}]::float8[] as sums
    ${join} group by r.node_id`.execute(db);
  rolled.forEach(add);
  const { rows: bins } = await sql<{
    node_id: string;
    code: number;
    n: number;
  }>`select r.node_id, h.code, sum(h.n)::int as n
    ${join} cross join lateral unnest(r.hist_codes, r.hist_counts) as h(code, n) group by r.node_id, h.code`.execute(
    db,
  );
  for (const b of bins) addHistogram(String(b.node_id), Number(b.code), Number(b.n));

  // The rest (parts cut by the period, unsettled parts): their tasks, into the same buckets.
  if (raw.length > 0) {
    const ranges = sql.join(
      raw.map(([a, b]) => sql`(i.created_at >= ${new Date(a)} and i.created_at < ${new Date(b)})`),
      sql` or `,
    );
    const month = rollupMonthSql(sql`i.created_at`);
    const versions = sql`${usable.map((p) => p.version_id)}::bigint[]`;
    const months = sql`${usable.map((p) => p.month)}::date[]`;
    const notRolled =
      usable.length === 0
        ? sql``
        : whole
          ? sql` and (i.version_id, ${month}) not in (select * from unnest(${versions}, ${months}))`
          : sql` and (i.version_id, coalesce(i.team_id, 0), ${month}) not in (
              select * from unnest(${versions}, ${usable.map((p) => p.team_key)}::bigint[], ${months}))`;
    const rest = sql`rest as (select * from pop0 i where (${ranges})${notRolled})`;
    const span = await sql<{
      first: Date | null;
      with_tasks: number;
      instances: number;
    }>`with ${renamedPopulation(model, query)}, ${rest}
      select min(created_at) as first, count(*) filter (where path is not null)::int as with_tasks,
        count(*)::int as instances from rest`.execute(db);
    const first = span.rows[0]?.first;
    if (first) {
      withTasks += Number(span.rows[0]!.with_tasks);
      const days = workingDaysSql(model, first.getTime(), now.getTime());
      const { rows } = await sql<StepCounts & { sums: number[]; hist_codes: number[]; hist_counts: number[] }>`with
        ${renamedPopulation(model, query)}, ${rest}, pop as (select * from rest), ${days.cte},
        ${taskFactsSql(model.timeZone, days.width, Number(span.rows[0]!.instances))},
        ${bucketedSql('node_id', now)}
        select * from bucketed`.execute(db);
      for (const r of rows) {
        add(r);
        r.hist_codes.forEach((code, i) => addHistogram(String(r.node_id), Number(code), Number(r.hist_counts[i])));
      }
    }
  }

  const names = await nodeNames(db, model);
  const steps: StepMeasures[] = [...totals.values()].map((t) => {
    const completed = t.counts.completed;
    const spreads: Spread[] = stepDurations.map((_, i) => {
      const h = t.histograms[i]!;
      const n = [...h.values()].reduce((s, c) => s + c, 0);
      return {
        p50: hoursOf(histogramQuantile(h, n, 0.5)),
        p90: hoursOf(histogramQuantile(h, n, 0.9)),
        mean: completed === 0 ? null : hoursOf(t.sums[i]! / completed),
      };
    });
    return stepMeasuresOf(t.counts, spreads, names);
  });
  sortSteps(steps);
  return { modelKey: model.key, instances: withTasks, calendar: model.calendarId, exactPercentiles: false, steps };
}

/** The ids of a team subtree, from the team keys a query answers. */
function teamTreeSql(keys: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`with recursive tree as (select id from teams where key in (${keys})
      union all select t.id from teams t join tree on t.parent_id = tree.id)
    select id from tree`;
}

/** {@link populationSql} named `pop0` (the report filters it further into `pop`). */
function renamedPopulation(model: AnalyticsModel, query: AnalyticsQuery): RawBuilder<unknown> {
  return sql`pop0 as (with ${populationSql(model, query)} select * from pop)`;
}

/**
 * The instants the population's start lies in, `[lo, hi)` in epoch ms (its period, narrowed by
 * the cohort's deployment) and the cohort's type; undefined when the cohort names no deployment
 * of the model or a date does not parse (the exact report answers those).
 */
async function populationWindow(
  db: Kysely<Database>,
  model: AnalyticsModel,
  query: AnalyticsQuery,
): Promise<{ span: [number, number]; cohortType: string | undefined } | undefined> {
  let lo = query.from === undefined ? -Infinity : Date.parse(query.from);
  let hi = query.to === undefined ? Infinity : Date.parse(query.to);
  // A date that does not parse is reported by the exact path (400 with its path).
  if (Number.isNaN(lo) || Number.isNaN(hi)) return undefined;
  if (query.cohort === undefined) return { span: [lo, hi], cohortType: undefined };
  const dep = await db
    .selectFrom('deployments')
    .select(['started_at', 'ended_at', 'cohort'])
    .where('id', '=', query.cohort)
    .where('model_id', '=', model.id)
    .executeTakeFirst();
  if (!dep) return undefined;
  lo = Math.max(lo, new Date(dep.started_at).getTime());
  if (dep.ended_at) hi = Math.min(hi, new Date(dep.ended_at).getTime());
  return { span: [lo, hi], cohortType: (dep.cohort as { type?: string } | null)?.type };
}
