import { type Kysely, sql } from 'kysely';

/**
 * What several server processes on one PostgreSQL database share:
 *
 * - `settings`: one row (`id = true`) of process-wide facts. `session_secret_fingerprint` is
 *   HMAC-SHA256(SESSION_SECRET, "baton-session-fingerprint") in hex — never the secret — written
 *   by the first process and compared by every later one (`auth/session-fingerprint.ts`).
 * - `ws_relay`: websocket pushes too large for one NOTIFY payload (8000 bytes); the NOTIFY
 *   carries the row id instead (`ws/replica-fan-out.ts`). Rows older than ten minutes are
 *   deleted by the next process that stores one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table settings (
    id boolean primary key default true check (id),
    session_secret_fingerprint text,
    updated_at timestamptz not null default now()
  )`.execute(db);
  // Unlogged: a relayed push lives for milliseconds; a crash may lose it like any push in flight.
  await sql`create unlogged table ws_relay (
    id bigint generated always as identity primary key,
    body text not null,
    created_at timestamptz not null default now()
  )`.execute(db);
}

/** Drops both tables. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists ws_relay`.execute(db);
  await sql`drop table if exists settings`.execute(db);
}
