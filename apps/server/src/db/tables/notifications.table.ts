import type { Generated, JSONColumnType, Selectable } from 'kysely';

/**
 * The `notifications` table: one row per person told about a task (reminder, escalation, urge,
 * assignment), written by the run loop in the same transaction as the step that asked for it.
 */
export interface NotificationsTable {
  id: Generated<number>;
  user_id: number;
  instance_id: string | null;
  task_id: number | null;
  /** The engine's notify reason: `reminder`, `escalation`, `urge` or `assigned`. */
  kind: string;
  payload: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Generated<Date>;
  read_at: Date | null;
}
/** A row of {@link NotificationsTable}. */
export type NotificationRow = Selectable<NotificationsTable>;
