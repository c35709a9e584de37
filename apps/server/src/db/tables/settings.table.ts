import type { Generated, Selectable } from 'kysely';

/** The `settings` table: one row (`id = true`) of facts every process on the database shares. */
export interface SettingsTable {
  id: Generated<boolean>;
  /** HMAC-SHA256(SESSION_SECRET, "baton-session-fingerprint") in hex; null until a process records it (PostgreSQL only). */
  session_secret_fingerprint: string | null;
  updated_at: Generated<Date>;
}
/** A row of {@link SettingsTable}. */
export type SettingsRow = Selectable<SettingsTable>;
