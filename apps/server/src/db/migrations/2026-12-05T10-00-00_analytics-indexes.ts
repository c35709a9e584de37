import { type Kysely, sql } from 'kysely';

/**
 * Indexes the analytics reports read instead of the tables (issue 12's speed targets):
 *
 * - `instances_analytics_idx`: a model's instances in start order with the columns the reports
 *   filter and measure on (status, version, team, end, working cycle time), so a report reads the
 *   index (index-only, once vacuum has marked the pages) and not the rows, which carry the
 *   snapshot and the data (≈ 1.6 kB each; the index entry ≈ 60 bytes). Only columns that change
 *   when an instance ends (when its status changes anyway) are in it: an ordinary step still
 *   updates its instance row in place (a HOT update, no index touched). The last-activity time,
 *   the path and the last node change with every step and stay out.
 * - `tasks_reentry_idx`: the tasks of re-entered nodes (entry number above 1), for the step
 *   report's "was the node entered again later" (pass rate) without scanning every task.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index instances_analytics_idx on instances (model_id, created_at)
    include (id, status, version_id, team_id, ended_at, cycle_working_ms)`.execute(db);
  await sql`create index tasks_reentry_idx on tasks (instance_id, node_id, visit) where visit > 1`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists tasks_reentry_idx`.execute(db);
  await sql`drop index if exists instances_analytics_idx`.execute(db);
}
