import type { ColumnType, Generated, JSONColumnType, Selectable } from 'kysely';
import type { LocalizedText } from '@baton/client/contract';

/** Who may claim or complete a task: usernames, business positions and team keys (as the engine names them). */
export interface TaskCandidates {
  users: string[];
  roles: string[];
  teams: string[];
}

/**
 * The `tasks` table: user tasks of an instance (status open|claimed|completed|cancelled), a
 * mirror of the snapshot's tasks kept by the run loop. `key` is the engine's task id (`k3`),
 * unique per instance. `assignee` and `completed_by_username` are usernames (the engine's user
 * ids); `assignee_id`/`completed_by` hold the user ids when such a user exists.
 */
export interface TasksTable {
  id: Generated<number>;
  instance_id: string;
  key: string;
  node_id: string;
  node_name: JSONColumnType<LocalizedText | null, string | null | undefined, string | null>;
  token_id: string;
  status: Generated<'open' | 'claimed' | 'completed' | 'cancelled'>;
  assignee: string | null;
  assignee_id: number | null;
  candidates: JSONColumnType<TaskCandidates, string | undefined, string>;
  due_at: Date | null;
  output: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  escalation_level: Generated<number>;
  rev: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  completed_at: Date | null;
  completed_by: number | null;
  completed_by_username: string | null;
  /** `beyond-calendar` when the deadline was counted past the calendar's holiday data (issue 8); else null. */
  deadline_warning: ColumnType<'beyond-calendar' | null, string | null | undefined, string | null>;
}
/** A row of {@link TasksTable}. */
export type TaskRow = Selectable<TasksTable>;
