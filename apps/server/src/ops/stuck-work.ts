import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { FailedDelivery, Incident, StuckTimer, StuckWork, UnattendedTask } from '@baton/client/contract';
import type { InstanceSnapshot } from '@baton/engine';
import type { Database } from '../db/schema.ts';
import type { TaskCandidates } from '../db/tables/tasks.table.ts';

/** A timer claimed this many times without being fired counts as stuck (its firing keeps failing). */
export const stuckTimerAttempts = 3;
/** At most this many items per list. */
const listLimit = 200;

/**
 * Due timers claimed at least {@link stuckTimerAttempts} times and still not fired: each claim
 * bumps `attempt`, so a timer whose firing throws (or whose holder keeps dying) climbs. Uses the
 * partial index of pending timers (`timers_due_at_pending_idx`).
 */
async function stuckTimers(db: Kysely<Database>, now: RawBuilder<Date>): Promise<StuckTimer[]> {
  const rows = await db
    .selectFrom('timers')
    .innerJoin('instances', 'instances.id', 'timers.instance_id')
    .innerJoin('process_models', 'process_models.id', 'instances.model_id')
    .innerJoin('process_versions', 'process_versions.id', 'instances.version_id')
    .select([
      'timers.id',
      'timers.instance_id',
      'timers.kind',
      'timers.key',
      'timers.due_at',
      'timers.attempt',
      'timers.locked_by',
      'timers.lease_until',
      'instances.business_key',
      'process_models.key as model_key',
      'process_versions.number as version_number',
    ])
    .where('timers.fired_at', 'is', null)
    .where('timers.due_at', '<=', now)
    .where('timers.attempt', '>=', stuckTimerAttempts)
    .where('instances.status', '=', 'running')
    .orderBy('timers.due_at')
    .orderBy('timers.id')
    .limit(listLimit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    instanceId: r.instance_id,
    modelKey: r.model_key,
    version: r.version_number,
    businessKey: r.business_key,
    kind: r.kind,
    timer: r.key.slice(r.key.indexOf(':') + 1),
    dueAt: r.due_at.toISOString(),
    attempts: r.attempt,
    lockedBy: r.locked_by,
    leaseUntil: r.lease_until ? r.lease_until.toISOString() : null,
  }));
}

/**
 * Service calls whose failure left an open incident: the last failed outbox row of each open
 * incident's node (`outbox_failed_idx`), with the incident to retry or skip.
 */
async function failedDeliveries(db: Kysely<Database>): Promise<FailedDelivery[]> {
  const rows = await db
    .selectFrom('outbox')
    .innerJoin('instances', 'instances.id', 'outbox.instance_id')
    .innerJoin('process_models', 'process_models.id', 'instances.model_id')
    .innerJoin('process_versions', 'process_versions.id', 'instances.version_id')
    .select([
      'outbox.id',
      'outbox.instance_id',
      'outbox.payload',
      'outbox.attempts',
      'outbox.last_error',
      'outbox.created_at',
      'instances.business_key',
      'instances.snapshot',
      'process_models.key as model_key',
      'process_versions.number as version_number',
    ])
    .where('outbox.last_error', 'is not', null)
    .where('instances.status', '=', 'running')
    .orderBy('outbox.id', 'desc')
    .limit(listLimit * 5)
    .execute();
  const seen = new Set<string>();
  const out: FailedDelivery[] = [];
  for (const r of rows) {
    const instanceId = r.instance_id;
    const node = typeof r.payload.node === 'string' ? r.payload.node : undefined;
    const incidents = Object.values((r.snapshot as InstanceSnapshot).incidents ?? {});
    const open = incidents.find((i) => i.node === node && !seen.has(`${r.instance_id}:${i.id}`));
    if (instanceId === null || node === undefined || open === undefined) continue;
    seen.add(`${instanceId}:${open.id}`);
    const incident: Incident = {
      id: open.id,
      node: open.node,
      token: open.token,
      code: open.code,
      message: open.message,
      at: new Date(open.at).toISOString(),
    };
    out.push({
      id: r.id,
      instanceId,
      modelKey: r.model_key,
      version: r.version_number,
      businessKey: r.business_key,
      node,
      attempts: r.attempts,
      lastError: r.last_error ?? '',
      at: r.created_at.toISOString(),
      incident,
    });
  }
  return out.sort((a, b) => a.incident.at.localeCompare(b.incident.at)).slice(0, listLimit);
}

/**
 * Open tasks of running instances that nobody can act on: the assignee is no user (or is out of
 * office), or, unassigned, no user who is not out of office matches a candidate (by username,
 * position, or team — a team counts its sub-teams' members, as the engine's directory does).
 */
async function unattendedTasks(db: Kysely<Database>): Promise<UnattendedTask[]> {
  const { rows } = await sql<{
    id: number;
    instance_id: string;
    node_id: string;
    node_name: UnattendedTask['nodeName'];
    assignee: string | null;
    candidates: TaskCandidates;
    created_at: Date;
    business_key: string | null;
    model_key: string;
    version_number: number;
  }>`
    with recursive member_teams(user_id, team_id) as (
      select id, team_id from users where team_id is not null and not out_of_office
      union all
      select m.user_id, t.parent_id from member_teams m join teams t on t.id = m.team_id where t.parent_id is not null
    ),
    able as (
      select u.username, u.positions, coalesce(array_agg(t.key) filter (where t.key is not null), '{}') as team_keys
      from users u
      left join member_teams m on m.user_id = u.id
      left join teams t on t.id = m.team_id
      where not u.out_of_office
      group by u.id, u.username, u.positions
    )
    select tk.id, tk.instance_id, tk.node_id, tk.node_name, tk.assignee, tk.candidates, tk.created_at,
           i.business_key, pm.key as model_key, pv.number as version_number
    from tasks tk
    join instances i on i.id = tk.instance_id
    join process_models pm on pm.id = i.model_id
    join process_versions pv on pv.id = i.version_id
    where tk.status in ('open', 'claimed') and i.status = 'running'
      and not exists (
        select 1 from able a
        where (tk.assignee is not null and a.username = tk.assignee)
           or (tk.assignee is null and (
                 tk.candidates -> 'users' ? a.username
              or tk.candidates -> 'roles' ?| a.positions
              or tk.candidates -> 'teams' ?| a.team_keys))
      )
    order by tk.created_at, tk.id
    limit ${listLimit}`.execute(db);
  return rows.map((r) => ({
    taskId: r.id,
    instanceId: r.instance_id,
    modelKey: r.model_key,
    version: r.version_number,
    businessKey: r.business_key,
    nodeId: r.node_id,
    nodeName: r.node_name,
    assignee: r.assignee,
    candidates: { users: r.candidates.users ?? [], roles: r.candidates.roles ?? [], teams: r.candidates.teams ?? [] },
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** The three lists of stuck work; `now` is the run loop's clock. */
export async function findStuckWork(db: Kysely<Database>, now: RawBuilder<Date>): Promise<StuckWork> {
  const [timers, deliveries, unattended] = await Promise.all([
    stuckTimers(db, now),
    failedDeliveries(db),
    unattendedTasks(db),
  ]);
  return { timers, deliveries, unattended };
}

/**
 * Frees a stuck timer: drops its claim (`locked_by`, `lease_until`) and makes it due now, so the
 * next poll claims and fires it. `attempt` is kept (it is the fencing token). Undefined when
 * no pending timer has that id.
 */
export async function releaseTimer(
  db: Kysely<Database>,
  id: number,
  now: RawBuilder<Date>,
): Promise<{ id: number; dueAt: Date } | undefined> {
  const row = await db
    .updateTable('timers')
    .set({ locked_by: null, lease_until: null, due_at: sql<Date>`least(due_at, ${now})` })
    .where('id', '=', id)
    .where('fired_at', 'is', null)
    .returning(['id', 'due_at'])
    .executeTakeFirst();
  return row && { id: row.id, dueAt: row.due_at };
}
