import { type Kysely, sql } from 'kysely';

/**
 * Analytics facts written when the work happens (issue 12), so the reports read columns instead
 * of recomputing them for every request:
 *
 * - `tasks.duration_working_ms`, `tasks.waiting_working_ms`: on completion, the working time
 *   from creation to completion and from creation to being taken up (claimed; at once when it was
 *   created with an assignee; at completion otherwise), on the step's own business calendar;
 * - `tasks.visit`: which entry of its node the task belongs to (1 the first; the signers of a
 *   several-signer step share their entry's number), so rework is not a window over the tasks;
 * - `instances.path`: the user-task nodes entered, in order, joined by `>` (a several-signer step
 *   counts once per entry); `instances.end_node`: the last node entered;
 *   `instances.cycle_working_ms`: when the instance ends, its working time on the process's calendar.
 *
 * Rows written before this migration get `path` and `end_node` from the history here; their
 * working times stay null and the reports compute them on the calendar when they read them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table tasks add column duration_working_ms double precision`.execute(db);
  await sql`alter table tasks add column waiting_working_ms double precision`.execute(db);
  await sql`alter table tasks add column visit integer`.execute(db);
  await sql`alter table instances add column path text`.execute(db);
  await sql`alter table instances add column end_node text`.execute(db);
  await sql`alter table instances add column cycle_working_ms double precision`.execute(db);
  await backfillPaths(db);
  await backfillVisits(db);
}

/**
 * Fills `tasks.visit`: how many times the task's node had been entered in its instance when the
 * task was created (the signers of one entry share it; a return to the node starts the next).
 */
export async function backfillVisits(db: Kysely<any>): Promise<void> {
  await sql`update tasks t set visit = nullif((select count(*) from events e
      where e.instance_id = t.instance_id and e.type = 'node.entered' and e.node_id = t.node_id and e.at <= t.created_at), 0)`.execute(
    db,
  );
}

/**
 * Fills `instances.path` and `end_node` from the history (`node.entered` events; user tasks
 * known from the instance's version, top-level nodes), as the run loop writes them step by step.
 */
export async function backfillPaths(db: Kysely<any>): Promise<void> {
  await sql`update instances i set path = x.path, end_node = x.end_node
    from (
      with kinds as (
        select v.id as version_id, n->>'id' as node_id, n->>'type' as type
        from process_versions v, jsonb_array_elements(v.definition->'nodes') n
      )
      select e.instance_id,
        string_agg(e.node_id, '>' order by e.id) filter (where k.type = 'userTask') as path,
        (array_agg(e.node_id order by e.id desc))[1] as end_node
      from events e
      join instances i2 on i2.id = e.instance_id
      left join kinds k on k.version_id = i2.version_id and k.node_id = e.node_id
      where e.type = 'node.entered'
      group by e.instance_id
    ) x
    where i.id = x.instance_id`.execute(db);
}

/** Reverts {@link up}. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table instances drop column cycle_working_ms`.execute(db);
  await sql`alter table instances drop column end_node`.execute(db);
  await sql`alter table instances drop column path`.execute(db);
  await sql`alter table tasks drop column visit`.execute(db);
  await sql`alter table tasks drop column waiting_working_ms`.execute(db);
  await sql`alter table tasks drop column duration_working_ms`.execute(db);
}
