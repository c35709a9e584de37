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
  /** The decision given on completion (`approve`/`reject`), or null. */
  decision: ColumnType<'approve' | 'reject' | null, string | null | undefined, string | null>;
  /** The comment (审批意见) given on completion, or null. */
  comment: string | null;
  /** The delegating user's username when the task reached its assignee as their agent (委托). */
  on_behalf_of: string | null;
  /** Why the task was cancelled (`decided`, `returned`, `withdrawn`, `terminated`, …), or null. */
  cancel_reason: string | null;
  /** The several-signer group (会签/或签/依次) or multi-instance group the task belongs to. */
  signer_group: string | null;
  /** 加签: who added this signer and where. */
  added_by: JSONColumnType<
    { user: string; position: 'before' | 'after' | 'parallel' } | null,
    string | null | undefined,
    string | null
  >;
  /** `dedupe` when the engine approved the task by itself. */
  auto: ColumnType<'dedupe' | null, string | null | undefined, string | null>;
  /** Multi-instance over a collection: the element this task works on. */
  item: ColumnType<unknown, string | null | undefined, string | null>;
  /** 撤回: when the completer withdrew this completion (the task stays completed; a new task reopens the work). */
  withdrawn_at: Date | null;
  /** The first claim of a task offered to a group (analytics: waiting = created → claimed). */
  claimed_at: Date | null;
  /** Who held the task first: the assignee it was created with, else its first claimer. */
  first_holder: string | null;
  /** On completion: working ms from creation to completion, on the step's calendar (null before 2026-12-05: computed when read). */
  duration_working_ms: ColumnType<number | null, number | null | undefined, number | null>;
  /** On completion: working ms from creation until the task was taken up (see `claimed_at`). */
  waiting_working_ms: ColumnType<number | null, number | null | undefined, number | null>;
  /** Which entry of its node in the instance the task belongs to (1 the first; signers of one entry share it). */
  visit: ColumnType<number | null, number | null | undefined, number | null>;
}
/** A row of {@link TasksTable}. */
export type TaskRow = Selectable<TasksTable>;
