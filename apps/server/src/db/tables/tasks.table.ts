import type { Generated, JSONColumnType, Selectable } from 'kysely';

/** Who may claim or complete a task. */
export interface TaskCandidates {
  users: number[];
  roles: string[];
  teams: string[];
}

/** The `tasks` table: user tasks of an instance (status open|claimed|completed|cancelled). */
export interface TasksTable {
  id: Generated<number>;
  instance_id: string;
  node_id: string;
  token_id: string;
  status: Generated<'open' | 'claimed' | 'completed' | 'cancelled'>;
  assignee_id: number | null;
  candidates: JSONColumnType<TaskCandidates, string | undefined, string>;
  due_at: Date | null;
  output: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  rev: Generated<number>;
  created_at: Generated<Date>;
  completed_at: Date | null;
  completed_by: number | null;
}
/** A row of {@link TasksTable}. */
export type TaskRow = Selectable<TasksTable>;
