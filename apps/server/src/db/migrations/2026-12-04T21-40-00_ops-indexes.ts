import { type Kysely, sql } from 'kysely';

/**
 * Indexes for the ops console (issue 11):
 * - `instances (created_at, id)`: the instances search lists newest first, filtered or not;
 * - `instances (team_id, created_at)`: by team (and the teams below it) and period;
 * - `instances (version_id, created_at)`: by version (also what a migration between versions reads);
 * - `outbox (instance_id) where last_error is not null`: the failed deliveries "stuck work" lists,
 *   a small slice of a table that grows with every call.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`create index instances_created_at_idx on instances (created_at, id)`,
    sql`create index instances_team_id_idx on instances (team_id, created_at)`,
    sql`create index instances_version_id_idx on instances (version_id, created_at)`,
    sql`create index outbox_failed_idx on outbox (instance_id) where last_error is not null`,
  ]) {
    await statement.execute(db);
  }
}

/** Drops the indexes. */
export async function down(db: Kysely<any>): Promise<void> {
  for (const name of [
    'outbox_failed_idx',
    'instances_version_id_idx',
    'instances_team_id_idx',
    'instances_created_at_idx',
  ]) {
    await sql`drop index if exists ${sql.id(name)}`.execute(db);
  }
}
