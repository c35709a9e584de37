import { type Kysely, sql } from 'kysely';

/**
 * Adds `tasks.deadline_warning`: `beyond-calendar` when the task's deadline was counted in
 * working time past the business calendar's holiday data (issue 8); null otherwise.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table tasks add column deadline_warning text`.execute(db);
}

/** Drops the column. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table tasks drop column if exists deadline_warning`.execute(db);
}
