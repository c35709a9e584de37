import type { ScratchDatabase } from './scratch-database.ts';

/** One invariant that failed, with (up to 20 of) the rows that break it. */
export interface InvariantViolation {
  invariant: string;
  rows: Record<string, unknown>[];
}

/**
 * The invariant checker of docs/reliability.md, run after every scenario: SQL over the whole database
 * that must return no rows.
 */
const invariants: ReadonlyArray<{ invariant: string; sql: string }> = [
  {
    invariant: 'a task is completed at most once (history)',
    sql: `select instance_id, data->>'task' as task, count(*)::int as n from events
          where type = 'task.completed' group by 1, 2 having count(*) > 1`,
  },
  {
    invariant: 'a timer fires at most once (history)',
    sql: `select instance_id, data->>'timer' as timer, count(*)::int as n from events
          where type = 'timer.fired' group by 1, 2 having count(*) > 1`,
  },
  {
    invariant: 'a service call is written to the outbox at most once',
    sql: `select instance_id, payload->>'call' as call, count(*)::int as n from outbox
          group by 1, 2 having count(*) > 1`,
  },
  {
    invariant: 'every outbox key is unique',
    sql: `select key, count(*)::int as n from outbox group by key having count(*) > 1`,
  },
  {
    invariant: 'a running instance has a live token',
    sql: `select id from instances
          where status = 'running' and jsonb_array_length(coalesce(snapshot->'tokens', '[]'::jsonb)) = 0`,
  },
  {
    invariant: 'every timer of a running instance snapshot has a pending timer row',
    sql: `select i.id, t.timer from instances i cross join lateral jsonb_object_keys(i.snapshot->'timers') as t(timer)
          where i.status = 'running'
            and not exists (select 1 from timers r where r.key = i.id::text || ':' || t.timer and r.fired_at is null)`,
  },
  {
    invariant: 'every pending timer row belongs to a timer in its instance snapshot',
    sql: `select r.key from timers r join instances i on i.id = r.instance_id
          where r.fired_at is null and not coalesce(i.snapshot->'timers' ? (r.payload->>'timer'), false)`,
  },
  {
    invariant: 'task rows agree with the instance snapshot',
    sql: `select t.id, t.key, t.status, i.snapshot->'tasks'->t.key->>'status' as snapshot_status
          from tasks t join instances i on i.id = t.instance_id
          where i.snapshot->'tasks' ? t.key and t.status is distinct from i.snapshot->'tasks'->t.key->>'status'`,
  },
  {
    invariant: 'the instance row status agrees with its snapshot',
    sql: `select id, status, snapshot->>'status' as snapshot_status from instances where status is distinct from snapshot->>'status'`,
  },
];

/**
 * Runs every invariant against the scratch database and returns the violated ones (empty when
 * all hold).
 *
 * @example
 * expect(await checkInvariants(scratch)).toEqual([]);
 */
export async function checkInvariants(scratch: ScratchDatabase): Promise<InvariantViolation[]> {
  const violations: InvariantViolation[] = [];
  for (const { invariant, sql } of invariants) {
    const rows = await scratch.query(`${sql} limit 20`);
    if (rows.length > 0) violations.push({ invariant, rows });
  }
  return violations;
}
