import type { Generated, Selectable } from 'kysely';

/**
 * The `cc_entries` table (抄送): one row per (user, instance) cc'd, written by the run loop from
 * the engine's `cc` effects in the statement of the step. A later cc of the same instance to the
 * same user updates the row (latest node, sender and time) and makes it unread again.
 */
export interface CcEntriesTable {
  id: Generated<number>;
  user_id: number;
  instance_id: string;
  node_id: string;
  /** The task the cc came with (its engine key), if any. */
  task_key: string | null;
  /** Who cc'd: the completer (`chosen`, `completed`) or null for a node's own rule. */
  by_username: string | null;
  /** `activated`, `completed` (the node's cc rule) or `chosen` (the completer picked the user). */
  reason: string;
  created_at: Generated<Date>;
  read_at: Date | null;
}
/** A row of {@link CcEntriesTable}. */
export type CcEntryRow = Selectable<CcEntriesTable>;
