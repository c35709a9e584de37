import { type Kysely, sql } from 'kysely';

/**
 * The Chinese approval operations (issue 9):
 *
 * - `tasks` gains what the engine's task state now carries: the decision and comment (审批意见),
 *   the delegating user a task reached its agent for (`on_behalf_of`, 委托), why it was
 *   cancelled, its several-signer group, who added it (加签, `added_by` as `{ user, position }`),
 *   `auto` (`dedupe` when the engine approved it by itself), a multi-instance `item` and
 *   `withdrawn_at` (撤回: the completion was taken back; the task stays completed and a new one opens).
 * - `delegations`: a user's agent for a period; the run loop fills the engine directory's
 *   `delegateTo` from the rows active at a command's instant, so one ends on its own.
 * - `cc_entries`: one row per (user, instance) cc'd (抄送), unread until the user marks it read;
 *   a later cc of the same instance to the same user makes it unread again.
 * - The four lists' indexes: to do by assignee in deadline order (and unassigned offers by candidate), done by
 *   completer in completion order, started by initiator, cc'd by user; all with `id` last, the
 *   keyset cursors' tie-breaker.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`alter table tasks add column decision text`,
    sql`alter table tasks add column comment text`,
    sql`alter table tasks add column on_behalf_of text`,
    sql`alter table tasks add column cancel_reason text`,
    sql`alter table tasks add column signer_group text`,
    sql`alter table tasks add column added_by jsonb`,
    sql`alter table tasks add column auto text`,
    sql`alter table tasks add column item jsonb`,
    sql`alter table tasks add column withdrawn_at timestamptz`,

    // To do: the assignee's live tasks in deadline order (also serves the least-loaded counts).
    sql`drop index if exists tasks_assignee_live_idx`,
    sql`create index tasks_todo_assignee_idx on tasks (assignee, due_at, id) where status in ('open', 'claimed')`,
    // To do: unassigned offers, found by candidate (`candidates @> '{"roles":["legal"]}'`, one probe
    // per username, position and team). Partial: only live unassigned tasks pay its upkeep.
    sql`create index tasks_todo_offered_gin on tasks using gin (candidates jsonb_path_ops) where status in ('open', 'claimed') and assignee is null`,
    // Done by me, newest first.
    sql`create index tasks_done_idx on tasks (completed_by_username, completed_at, id) where status = 'completed' and withdrawn_at is null`,
    // Started by me, newest first.
    sql`drop index if exists instances_initiator_id_idx`,
    sql`create index instances_started_idx on instances (initiator_id, created_at, id)`,

    sql`create table delegations (
      id bigint generated always as identity primary key,
      user_id bigint not null references users (id),
      agent_id bigint not null references users (id),
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      note text,
      created_by bigint references users (id),
      created_at timestamptz not null default clock_timestamp(),
      ended_early_at timestamptz,
      check (ends_at > starts_at),
      check (agent_id <> user_id)
    )`,
    sql`create index delegations_user_id_idx on delegations (user_id, ends_at)`,
    sql`create index delegations_agent_id_idx on delegations (agent_id, ends_at)`,
    sql`create index delegations_ends_at_idx on delegations (ends_at)`,

    sql`create table cc_entries (
      id bigint generated always as identity primary key,
      user_id bigint not null references users (id),
      instance_id uuid not null references instances (id),
      node_id text not null,
      task_key text,
      by_username text,
      reason text not null,
      created_at timestamptz not null default clock_timestamp(),
      read_at timestamptz
    )`,
    sql`create unique index cc_entries_user_id_instance_id_key on cc_entries (user_id, instance_id)`,
    sql`create index cc_entries_list_idx on cc_entries (user_id, created_at, id)`,
    sql`create index cc_entries_instance_id_idx on cc_entries (instance_id)`,
  ];
  for (const statement of statements) await statement.execute(db);
}

/** Reverts {@link up}. */
export async function down(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`drop table if exists cc_entries`,
    sql`drop table if exists delegations`,
    sql`drop index if exists instances_started_idx`,
    sql`create index instances_initiator_id_idx on instances (initiator_id)`,
    sql`drop index if exists tasks_done_idx`,
    sql`drop index if exists tasks_todo_offered_gin`,
    sql`drop index if exists tasks_todo_assignee_idx`,
    sql`create index tasks_assignee_live_idx on tasks (assignee) where status in ('open', 'claimed')`,
    sql`alter table tasks drop column if exists withdrawn_at`,
    sql`alter table tasks drop column if exists item`,
    sql`alter table tasks drop column if exists auto`,
    sql`alter table tasks drop column if exists added_by`,
    sql`alter table tasks drop column if exists signer_group`,
    sql`alter table tasks drop column if exists cancel_reason`,
    sql`alter table tasks drop column if exists on_behalf_of`,
    sql`alter table tasks drop column if exists comment`,
    sql`alter table tasks drop column if exists decision`,
  ];
  for (const statement of statements) await statement.execute(db);
}
