import { type Kysely, sql } from 'kysely';

/**
 * Step rollups (issue 12's per-step report on large histories): the per-step report's counts,
 * sums and duration histograms, summed per part of the history — a model's instances of one
 * version, one team (0: none) and one start month (UTC) — so a report over many parts adds up a
 * few hundred rows instead of reading every task. See `apps/server/src/analytics/step-rollups.ts`.
 *
 * - `analytics_changes`: one row per write statement and part it touched (the run loop appends it
 *   in the statement that writes the step; a migration to another version appends the new part).
 *   A part with a row here is *unsettled*: reports read its tasks, not its rollup. The refresher
 *   deletes the rows it has seen, then recomputes their parts in the same transaction.
 * - `step_rollup_parts`: the settled parts with their instance counts (a part without instances has no row).
 * - `step_rollups`: per settled part and node, the report's counts and sums, the deadlines still
 *   ahead at the refresh, and the duration histograms (logarithmic buckets, 1 % wide).
 *
 * Every existing part starts unsettled: the refresher builds its rollup.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table analytics_changes (
    model_id bigint not null,
    version_id bigint not null,
    team_key bigint not null,
    month date not null
  )`.execute(db);
  await sql`create table step_rollup_parts (
    model_id bigint not null,
    version_id bigint not null,
    team_key bigint not null,
    month date not null,
    instances integer not null,
    with_tasks integer not null,
    tasks integer not null,
    refreshed_at timestamptz not null,
    primary key (model_id, version_id, team_key, month)
  )`.execute(db);
  await sql`create table step_rollups (
    model_id bigint not null,
    version_id bigint not null,
    team_key bigint not null,
    month date not null,
    node_id text not null,
    tasks integer not null,
    completed integer not null,
    open integer not null,
    passed integer not null,
    returned integer not null,
    rework integer not null,
    with_deadline integer not null,
    judged integer not null,
    met integer not null,
    escalations integer not null,
    due_later timestamptz[] not null,
    sums double precision[] not null,
    hist_codes integer[] not null,
    hist_counts integer[] not null,
    primary key (model_id, version_id, team_key, month, node_id)
  )`.execute(db);
  await sql`insert into analytics_changes (model_id, version_id, team_key, month)
    select distinct model_id, version_id, coalesce(team_id, 0), date_trunc('month', created_at at time zone 'UTC')::date
    from instances`.execute(db);
}

/** Reverts {@link up}. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists step_rollups`.execute(db);
  await sql`drop table if exists step_rollup_parts`.execute(db);
  await sql`drop table if exists analytics_changes`.execute(db);
}
