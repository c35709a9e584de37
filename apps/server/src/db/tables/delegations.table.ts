import type { Generated, Selectable } from 'kysely';

/**
 * The `delegations` table (委托): `user_id` has `agent_id` take the tasks that would reach them
 * from `starts_at` until `ends_at` (ended early by setting `ends_at` to the moment and
 * `ended_early_at`). The run loop reads the rows active at a command's instant into the engine
 * directory's `delegateTo`.
 */
export interface DelegationsTable {
  id: Generated<number>;
  user_id: number;
  agent_id: number;
  starts_at: Date;
  ends_at: Date;
  note: string | null;
  /** Who set it: the user, or an admin for them. */
  created_by: number | null;
  created_at: Generated<Date>;
  ended_early_at: Date | null;
}
/** A row of {@link DelegationsTable}. */
export type DelegationRow = Selectable<DelegationsTable>;
