import { type Kysely, sql } from 'kysely';

/**
 * The analytics facts of a task on its own row (issue 12), so the step, process and team reports
 * read `tasks` without grouping the history's events per task:
 *
 * - `claimed_at`: the first claim of a task offered to a group (waiting = created → claimed);
 * - `first_holder`: who held it first: the assignee it was created with, else its first claimer
 *   (whose deal it is when the step is attributed to a person).
 *
 * Rows written before this migration are filled from the history (`task.claimed`, `task.created`).
 * The escalations a task saw are already `escalation_level`, its cancel reason `cancel_reason`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table tasks add column claimed_at timestamptz`.execute(db);
  await sql`alter table tasks add column first_holder text`.execute(db);
  await sql`update tasks t set claimed_at = e.claimed_at, first_holder = coalesce(e.created_assignee, e.first_claimer)
    from (
      select instance_id, data->>'task' as task,
        min(at) filter (where type = 'task.claimed') as claimed_at,
        max(data->>'assignee') filter (where type = 'task.created') as created_assignee,
        (array_agg(actor order by at, id) filter (where type = 'task.claimed'))[1] as first_claimer
      from events
      where type in ('task.created', 'task.claimed')
      group by instance_id, data->>'task'
    ) e
    where t.instance_id = e.instance_id and t.key = e.task`.execute(db);
}

/** Reverts {@link up}. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table tasks drop column first_holder`.execute(db);
  await sql`alter table tasks drop column claimed_at`.execute(db);
}
