import type { Generated, JSONColumnType, Selectable } from 'kysely';

/**
 * The `outbox` table: external effects written in the same transaction as the state change and
 * delivered after commit, at least once. `key` is deterministic (instance, node, transition
 * sequence) and unique, so a re-run transition cannot enqueue an effect twice.
 */
export interface OutboxTable {
  id: Generated<number>;
  instance_id: string | null;
  key: string;
  kind: string;
  payload: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  delivered_at: Date | null;
  last_error: string | null;
  /** The worker holding the row until `next_attempt_at` (its lease); null when free. */
  locked_by: string | null;
  created_at: Generated<Date>;
}
/** A row of {@link OutboxTable}. */
export type OutboxRow = Selectable<OutboxTable>;
