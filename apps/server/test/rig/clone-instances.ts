import type { ScratchDatabase } from './scratch-database.ts';

/**
 * Copies instances that were started through the API, `copies` times each, in one SQL
 * statement: the instance row (snapshot, data, pinned version), its history and its pending
 * timer rows, under a fresh uuid; timer keys are rewritten to `<new id>:<timer id>`, as the run
 * loop writes them. Engine ids inside a snapshot are per instance, so a copy is an instance the
 * run loop cannot tell from one it started itself, minus the cost of starting it.
 *
 * Only for instances waiting on timers (tasks, outbox rows and notifications are not copied).
 * Returns the ids of the copies.
 *
 * @example
 * const sample = await startInstances(http, { …, count: 250 });
 * const copies = await cloneInstances(scratch, sample, 19); // 250 + 4,750 = 5,000 instances
 */
export async function cloneInstances(
  scratch: ScratchDatabase,
  sampleIds: readonly string[],
  copies: number,
): Promise<string[]> {
  // Data-modifying CTEs see one snapshot; `materialized` makes every reference to `m` use the
  // same generated ids, and the foreign keys of timers and events are checked at the end of
  // the statement, when the instance rows exist.
  const rows = await scratch.query<{ id: string }>(
    `with m as materialized (
       select gen_random_uuid() as new_id, i.id as old_id
       from instances i cross join generate_series(1, $2::int)
       where i.id = any($1::uuid[])
     ),
     new_instances as (
       insert into instances (id, model_id, version_id, status, business_key, data, snapshot, initiator_id, team_id, rev, created_at, updated_at, ended_at)
       select m.new_id, i.model_id, i.version_id, i.status, i.business_key, i.data, i.snapshot, i.initiator_id, i.team_id, i.rev, i.created_at, i.updated_at, i.ended_at
       from m join instances i on i.id = m.old_id
       returning id
     ),
     new_timers as (
       insert into timers (instance_id, kind, due_at, payload, key)
       select m.new_id, t.kind, t.due_at, t.payload, m.new_id::text || ':' || (t.payload->>'timer')
       from m join timers t on t.instance_id = m.old_id
       where t.fired_at is null
     ),
     new_events as (
       insert into events (instance_id, type, actor_id, actor, node_id, at, data)
       select m.new_id, e.type, e.actor_id, e.actor, e.node_id, e.at, e.data
       from m join events e on e.instance_id = m.old_id
     )
     select id from new_instances`,
    [sampleIds, copies],
  );
  return rows.map((r) => r.id);
}
