import { type Kysely, sql } from 'kysely';

// The first schema. SQL stays within the PostgreSQL 15 subset (PGlite is PostgreSQL 18), times
// default to clock_timestamp() (the database clock is the only clock), and every table that
// belongs to an instance carries instance_id so it can later be partitioned by it.

/** Creates the initial tables. */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`create table teams (
      id bigint generated always as identity primary key,
      key text not null unique,
      name jsonb not null,
      parent_id bigint references teams (id),
      manager_id bigint,
      created_at timestamptz not null default clock_timestamp()
    )`,
    sql`create index teams_parent_id_idx on teams (parent_id)`,
    sql`create table users (
      id bigint generated always as identity primary key,
      username text not null unique,
      display_name text not null,
      password_hash text not null,
      roles text[] not null default '{}'
        check (roles <@ array['admin', 'owner', 'operator', 'participant']::text[]),
      team_id bigint references teams (id),
      manager_id bigint references users (id),
      locale text not null default 'en' check (locale in ('zh-CN', 'en')),
      out_of_office boolean not null default false,
      created_at timestamptz not null default clock_timestamp()
    )`,
    sql`create index users_team_id_idx on users (team_id)`,
    sql`alter table teams add constraint teams_manager_id_fkey foreign key (manager_id) references users (id)`,
    sql`create table process_models (
      id bigint generated always as identity primary key,
      key text not null unique,
      name jsonb not null,
      created_by bigint references users (id),
      created_at timestamptz not null default clock_timestamp()
    )`,
    sql`create table process_versions (
      id bigint generated always as identity primary key,
      model_id bigint not null references process_models (id),
      number integer not null check (number > 0),
      state text not null check (state in ('current', 'target')),
      status text not null default 'draft' check (status in ('draft', 'published', 'retired')),
      definition jsonb not null,
      content_hash text,
      author_id bigint references users (id),
      notes text,
      created_at timestamptz not null default clock_timestamp(),
      updated_at timestamptz not null default clock_timestamp(),
      published_at timestamptz,
      unique (model_id, number),
      check ((status = 'draft') = (content_hash is null)),
      check ((status = 'draft') = (published_at is null))
    )`,
    // Identical content is published at most once per model (the no-op republish relies on it).
    sql`create unique index process_versions_model_id_content_hash_key
      on process_versions (model_id, content_hash) where content_hash is not null`,
    sql`create table deployments (
      id bigint generated always as identity primary key,
      model_id bigint not null references process_models (id),
      version_id bigint not null references process_versions (id),
      cohort jsonb not null,
      created_by bigint references users (id),
      started_at timestamptz not null default clock_timestamp(),
      ended_at timestamptz
    )`,
    sql`create index deployments_model_id_active_idx on deployments (model_id) where ended_at is null`,
    sql`create table instances (
      id uuid primary key default gen_random_uuid(),
      model_id bigint not null references process_models (id),
      version_id bigint not null references process_versions (id),
      status text not null,
      business_key text,
      data jsonb not null default '{}',
      snapshot jsonb not null,
      initiator_id bigint references users (id),
      team_id bigint references teams (id),
      rev integer not null default 0,
      created_at timestamptz not null default clock_timestamp(),
      updated_at timestamptz not null default clock_timestamp(),
      ended_at timestamptz
    )`,
    sql`create index instances_model_id_status_idx on instances (model_id, status)`,
    sql`create index instances_business_key_idx on instances (business_key) where business_key is not null`,
    sql`create index instances_initiator_id_idx on instances (initiator_id)`,
    sql`create table tasks (
      id bigint generated always as identity primary key,
      instance_id uuid not null references instances (id),
      node_id text not null,
      token_id text not null,
      status text not null default 'open' check (status in ('open', 'claimed', 'completed', 'cancelled')),
      assignee_id bigint references users (id),
      candidates jsonb not null default '{"users": [], "roles": [], "teams": []}',
      due_at timestamptz,
      output jsonb,
      rev integer not null default 0,
      created_at timestamptz not null default clock_timestamp(),
      completed_at timestamptz,
      completed_by bigint references users (id)
    )`,
    sql`create index tasks_instance_id_idx on tasks (instance_id)`,
    sql`create index tasks_assignee_id_live_idx on tasks (assignee_id) where status in ('open', 'claimed')`,
    sql`create index tasks_live_idx on tasks (status) where status in ('open', 'claimed')`,
    sql`create table timers (
      id bigint generated always as identity primary key,
      instance_id uuid not null references instances (id),
      kind text not null,
      due_at timestamptz not null,
      payload jsonb not null default '{}',
      key text not null unique,
      attempt integer not null default 0,
      lease_until timestamptz,
      locked_by text,
      fired_at timestamptz,
      created_at timestamptz not null default clock_timestamp()
    )`,
    sql`create index timers_due_at_pending_idx on timers (due_at) where fired_at is null`,
    sql`create index timers_instance_id_idx on timers (instance_id)`,
    sql`create table events (
      id bigint generated always as identity primary key,
      instance_id uuid references instances (id),
      type text not null,
      actor_id bigint references users (id),
      node_id text,
      at timestamptz not null default clock_timestamp(),
      data jsonb not null default '{}'
    )`,
    sql`create index events_instance_id_idx on events (instance_id, id)`,
    sql`create index events_type_at_idx on events (type, at)`,
    sql`create table outbox (
      id bigint generated always as identity primary key,
      instance_id uuid references instances (id),
      key text not null unique,
      kind text not null,
      payload jsonb not null default '{}',
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default clock_timestamp(),
      delivered_at timestamptz,
      last_error text,
      created_at timestamptz not null default clock_timestamp()
    )`,
    sql`create index outbox_pending_idx on outbox (next_attempt_at) where delivered_at is null`,
    sql`create index outbox_instance_id_idx on outbox (instance_id)`,
    sql`create table idempotency_keys (
      key text not null,
      user_id bigint not null references users (id),
      route text not null,
      response jsonb not null,
      status_code integer not null,
      created_at timestamptz not null default clock_timestamp(),
      primary key (user_id, route, key)
    )`,
    sql`create index idempotency_keys_created_at_idx on idempotency_keys (created_at)`,
  ];
  for (const statement of statements) await statement.execute(db);
}

/** Drops everything {@link up} created. */
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'idempotency_keys',
    'outbox',
    'events',
    'timers',
    'tasks',
    'instances',
    'deployments',
    'process_versions',
    'process_models',
  ]) {
    await sql`drop table if exists ${sql.id(table)}`.execute(db);
  }
  await sql`alter table teams drop constraint if exists teams_manager_id_fkey`.execute(db);
  await sql`drop table if exists users`.execute(db);
  await sql`drop table if exists teams`.execute(db);
}
