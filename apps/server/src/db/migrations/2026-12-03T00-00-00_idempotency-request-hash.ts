import { type Kysely, sql } from 'kysely';

/**
 * Adds `idempotency_keys.request_hash`: a hash of the method, route and body of the request
 * that stored the answer, so that a key reused with a different body is refused
 * (`API_IDEMPOTENCY_KEY_REUSED`) instead of answered with the first result (issue 8). Rows stored
 * before have no hash and replay as before until they expire.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table idempotency_keys add column request_hash text`.execute(db);
}

/** Drops the column. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table idempotency_keys drop column if exists request_hash`.execute(db);
}
