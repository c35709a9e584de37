import { type Kysely, sql } from 'kysely';

/**
 * Drops three `tasks` indexes no query uses, which every task write paid for:
 * - `tasks_instance_id_idx`: the unique `(instance_id, key)` index serves every lookup by instance;
 * - `tasks_assignee_id_live_idx`: the inbox and the load counts go by `assignee` (username),
 *   which `tasks_assignee_live_idx` covers;
 * - `tasks_candidates_live_idx` (GIN on `candidates`): the inbox tests `candidates -> 'users' ? …`,
 *   an expression a GIN index on the whole column cannot serve, and GIN upkeep is the dearest of all.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists tasks_instance_id_idx`.execute(db);
  await sql`drop index if exists tasks_assignee_id_live_idx`.execute(db);
  await sql`drop index if exists tasks_candidates_live_idx`.execute(db);
}

/** Restores the three indexes. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index tasks_instance_id_idx on tasks (instance_id)`.execute(db);
  await sql`create index tasks_assignee_id_live_idx on tasks (assignee_id) where status in ('open', 'claimed')`.execute(
    db,
  );
  await sql`create index tasks_candidates_live_idx on tasks using gin (candidates) where status in ('open', 'claimed')`.execute(
    db,
  );
}
