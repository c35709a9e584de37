import type { Generated, JSONColumnType, Selectable } from 'kysely';

/**
 * The `timers` table: due work claimed with `FOR UPDATE SKIP LOCKED` and a lease. `key` is the
 * deterministic timer id from the engine (unique), so scheduling the same timer twice is a no-op.
 * Partial index on `due_at` where `fired_at is null`.
 */
export interface TimersTable {
  id: Generated<number>;
  instance_id: string;
  kind: string;
  due_at: Date;
  payload: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  key: string;
  attempt: Generated<number>;
  lease_until: Date | null;
  locked_by: string | null;
  fired_at: Date | null;
  created_at: Generated<Date>;
}
/** A row of {@link TimersTable}. */
export type TimerRow = Selectable<TimersTable>;
