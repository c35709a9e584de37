import { type Kysely, sql } from 'kysely';

/**
 * Process instance migration and calendar years kept in the database:
 *
 * - `migration_operations`: one row per migration of running instances between two versions of a
 *   model (who asked, the mapping, the instances chosen), with its progress (`migrated`,
 *   `failed`, `failures` with each instance's reasons) for clients to poll; each instance moves
 *   in a transaction of its own, so a failure leaves it untouched on its version.
 * - `calendar_years`: a year's holiday schedule (holidays and make-up workdays) for a business
 *   calendar, added or corrected by an operator; it replaces the shipped (or `CALENDARS_DIR`)
 *   schedule of that year when the server builds its calendars.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table migration_operations (
    id bigserial primary key,
    model_id bigint not null references process_models (id),
    from_version_id bigint not null references process_versions (id),
    to_version_id bigint not null references process_versions (id),
    mapping jsonb not null,
    instance_ids jsonb not null,
    status text not null default 'running',
    total integer not null,
    migrated integer not null default 0,
    failed integer not null default 0,
    failures jsonb not null default '[]'::jsonb,
    created_by bigint references users (id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    finished_at timestamptz
  )`.execute(db);
  await sql`create index migration_operations_model_idx on migration_operations (model_id, id)`.execute(db);
  await sql`create table calendar_years (
    calendar_id text not null,
    year integer not null,
    schedule jsonb not null,
    updated_by bigint references users (id),
    updated_at timestamptz not null default now(),
    primary key (calendar_id, year)
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table calendar_years`.execute(db);
  await sql`drop table migration_operations`.execute(db);
}
