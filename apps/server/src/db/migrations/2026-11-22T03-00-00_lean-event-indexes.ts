import { type Kysely, sql } from 'kysely';

/**
 * Drops `events_type_at_idx`: no query reads history by type and time (history is read per
 * instance, through `events_instance_id_idx`), and every step inserts several events, each of
 * which paid for it. Analytics will add the index its queries need.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists events_type_at_idx`.execute(db);
}

/** Restores the index. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index events_type_at_idx on events (type, at)`.execute(db);
}
