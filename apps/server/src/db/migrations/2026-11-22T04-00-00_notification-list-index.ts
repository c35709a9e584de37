import { type Kysely, sql } from 'kysely';

/**
 * Adds `notifications (user_id, id)`: `GET /api/notifications` without `unread=true` lists a
 * user's notifications newest first, read ones included, which the partial index of unread ones
 * cannot serve (it scanned the whole table).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index notifications_user_id_idx on notifications (user_id, id)`.execute(db);
}

/** Drops the index. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists notifications_user_id_idx`.execute(db);
}
