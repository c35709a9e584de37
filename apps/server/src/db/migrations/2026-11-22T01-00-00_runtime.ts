import { type Kysely, sql } from 'kysely';

// What the run loop needs on top of the initial schema. The engine names people by username, so
// tasks, events and candidates carry usernames (text) next to the numeric user ids, which stay
// filled where the user exists. Instance-owned tables carry instance_id.

/** Adds business positions, engine task keys, round-robin cursors and notifications. */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    // Business positions (sales-rep, legal, …) that definitions name as owner roles; distinct
    // from the access roles (admin, owner, operator, participant) in `roles`.
    sql`alter table users add column positions text[] not null default '{}'`,

    // The engine's task id (k3), unique per instance; assignee and completer as usernames.
    // No task row can exist before this migration (nothing wrote tasks), so `not null` is safe.
    sql`alter table tasks add column key text not null`,
    sql`alter table tasks add column node_name jsonb`,
    sql`alter table tasks add column assignee text`,
    sql`alter table tasks add column completed_by_username text`,
    sql`alter table tasks add column escalation_level integer not null default 0`,
    sql`alter table tasks add column updated_at timestamptz not null default clock_timestamp()`,
    sql`create unique index tasks_instance_id_key_key on tasks (instance_id, key)`,
    sql`create index tasks_assignee_live_idx on tasks (assignee) where status in ('open', 'claimed')`,
    sql`create index tasks_candidates_live_idx on tasks using gin (candidates) where status in ('open', 'claimed')`,

    // History actor as a username (the engine's actor id); actor_id stays for known users.
    sql`alter table events add column actor text`,

    // Outbox claims: who holds a row until next_attempt_at (the lease), released on shutdown.
    sql`alter table outbox add column locked_by text`,

    sql`create table round_robin (
      key text primary key,
      cursor integer not null default 0
    )`,

    sql`create table notifications (
      id bigint generated always as identity primary key,
      user_id bigint not null references users (id),
      instance_id uuid references instances (id),
      task_id bigint references tasks (id),
      kind text not null,
      payload jsonb not null default '{}',
      created_at timestamptz not null default clock_timestamp(),
      read_at timestamptz
    )`,
    sql`create index notifications_user_id_unread_idx on notifications (user_id, id) where read_at is null`,
    sql`create index notifications_instance_id_idx on notifications (instance_id)`,
  ];
  for (const statement of statements) await statement.execute(db);
}

/** Reverts {@link up}. */
export async function down(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`drop table if exists notifications`,
    sql`drop table if exists round_robin`,
    sql`alter table outbox drop column if exists locked_by`,
    sql`alter table events drop column if exists actor`,
    sql`drop index if exists tasks_candidates_live_idx`,
    sql`drop index if exists tasks_assignee_live_idx`,
    sql`drop index if exists tasks_instance_id_key_key`,
    sql`alter table tasks drop column if exists updated_at`,
    sql`alter table tasks drop column if exists escalation_level`,
    sql`alter table tasks drop column if exists completed_by_username`,
    sql`alter table tasks drop column if exists assignee`,
    sql`alter table tasks drop column if exists node_name`,
    sql`alter table tasks drop column if exists key`,
    sql`alter table users drop column if exists positions`,
  ];
  for (const statement of statements) await statement.execute(db);
}
