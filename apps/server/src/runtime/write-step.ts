import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Candidates, Effect, InstanceSnapshot, TaskView } from '@baton/engine';
import { preparedMarker } from '../db/database.ts';
import { toJsonb } from '../db/json.ts';
import { rollupMonthSql } from '../analytics/rollup-parts.ts';
import type { Database, InstanceRow } from '../db/schema.ts';
import type { Audience, HubMessage } from '../ws/hub.ts';
import { type RuntimeClock, nowSql } from './clock.ts';
import {
  type InstanceUpdateRecord,
  type StepRows,
  type StepRowsInput,
  effectsToRows,
  notificationPayload,
} from './effects-to-rows.ts';

export type { InstanceWrite } from './effects-to-rows.ts';

/** The channel the timer pollers LISTEN on. */
export const timersChannel = 'baton_timers';

/** What happened, for the work done after commit. */
export interface AppliedEffects {
  /** Websocket messages to publish once the transaction has committed. */
  messages: Array<{ message: HubMessage; audience: Audience }>;
  /** Outbox rows inserted (the outbox worker is kicked after commit when > 0). */
  outboxRows: number;
}

/** How far behind the database clock an estimated instant may be when its write runs (see {@link InstanceWrite}). */
export const estimatedInstantSlackSeconds = 1;

/** Everything {@link writeSteps} needs to know about one applied step of one instance. */
export interface StepWrite extends StepRowsInput {
  /** The snapshot before the step (null for a start): the old audience of a task that moves. */
  before: InstanceSnapshot | null;
  /**
   * For a step of a cached copy: when its guard fails, the same statement reads the instance's
   * current row and the database clock and hands them here, so the command steps again without
   * a read of its own (a stale copy costs no extra statement).
   */
  onStale?(current: { row: InstanceRow; now: number }): void;
}

/** What every step of one {@link writeSteps} call shares. */
export interface WriteContext {
  clock: RuntimeClock;
  /** A timer due sooner than this many ms from the step's instant wakes the pollers with NOTIFY. */
  wakeWindowMs: number;
}

/** What the write statement reports back for one instance. */
export interface StepWritten {
  rev: number;
  status: string;
  createdAt: Date;
  updatedAt: Date;
  endedAt: Date | null;
  /** Task row ids by task key: the tasks this step created or changed, every task still open, and tasks named by notifications. */
  taskIds: Map<string, number>;
  applied: AppliedEffects;
}

/** One step with the rows it comes to. */
interface FoldedStep extends StepRows {
  step: StepWrite;
}

/**
 * Writes one step (see {@link writeSteps}); undefined when the rev guard matched no row (a
 * concurrent command won): nothing was written.
 */
export async function writeStep(
  db: Kysely<Database>,
  step: StepWrite,
  context: WriteContext,
): Promise<StepWritten | undefined> {
  return (await writeSteps(db, [step], context))[0];
}

/**
 * Writes applied steps of one or more instances as ONE SQL statement: the instance rows
 * (inserted, or updated only while their `rev` is unchanged), and — as data-modifying CTEs that
 * all join those rows, so nothing is written for an instance whose rev guard fails — the
 * history events, task rows (by `(instance_id, key)`), timer rows (upserted by their key
 * `<instance>:<timer id>`, deleted when cancelled), outbox rows for service calls,
 * notifications for the resolved recipients, round-robin cursors and fired timer rows, plus a
 * NOTIFY for the timer pollers when a timer is due soon. Rows travel as one
 * `jsonb_to_recordset` parameter per table, so the statement's text depends only on which kinds
 * of rows are present and it is prepared once.
 *
 * One statement means one round trip and, outside a transaction, one commit for any number of
 * instances (the timer poller writes a batch of firings at once). The effects are first folded
 * per key (a task created and completed by one step is one row), since one statement may not
 * change a row twice. All steps must be of one kind (all inserts or all updates), each for a
 * different instance, and at most one may advance round-robin cursors.
 *
 * Returns, per step in order, what was written, or undefined when its rev guard failed.
 */
export async function writeSteps(
  db: Kysely<Database>,
  steps: readonly StepWrite[],
  context: WriteContext,
): Promise<Array<StepWritten | undefined>> {
  if (steps.length === 0) return [];
  const folded: FoldedStep[] = steps.map((step) => ({
    ...effectsToRows(step, { wakeWindowMs: context.wakeWindowMs }),
    step,
  }));
  // Rows carry their position (`ord`), so inserts assign ids in effect order (history is read by id).
  const all = <K extends keyof FoldedStep>(key: K) =>
    folded.flatMap((f) => f[key] as object[]).map((row, ord) => ({ ...row, ord }));
  const inserting = steps[0]!.instance.kind === 'insert';
  const nowExpr = nowSql(context.clock);
  const slack = sql.raw(`interval '${estimatedInstantSlackSeconds} seconds'`);
  const ctes: RawBuilder<unknown>[] = [];
  const rows = (value: unknown[]) => sql`jsonb_to_recordset(${toJsonb(value)}::jsonb)`;

  const instances = folded.map((f) => f.instanceRow);
  // `= any(<array>)` beside each recordset join lets the planner use the indexes whatever it
  // guesses about the recordset's size (the statement is prepared: its plan is generic).
  const ids = steps.map((st) => st.instanceId);
  if (inserting) {
    ctes.push(sql`inst as (
      insert into instances (id, model_id, version_id, status, business_key, data, snapshot, initiator_id, team_id, rev, created_at, updated_at, ended_at,
                             path, end_node, cycle_working_ms)
      select v.id, v.model_id, v.version_id, v.status, v.business_key, v.data, v.snapshot, v.initiator_id, v.team_id, 1, v.at, v.at, v.ended_at,
             v.path_add, v.end_node, v.cycle_working_ms
      from ${rows(instances)} as v(id uuid, model_id bigint, version_id bigint, status text, business_key text, data jsonb, snapshot jsonb,
                                   initiator_id bigint, team_id bigint, at timestamptz, ended_at timestamptz,
                                   path_add text, end_node text, cycle_working_ms float8)
      returning id, rev, status, created_at, updated_at, ended_at, path, model_id, version_id, team_id)`);
  } else if (steps.length === 1) {
    // The common case, one command: a plain primary-key update.
    const one = instances[0] as InstanceUpdateRecord;
    ctes.push(sql`inst as (
      update instances set snapshot = ${toJsonb(one.snapshot)}::jsonb, data = ${toJsonb(steps[0]!.snapshot.data)}::jsonb, status = ${one.status}, rev = rev + 1,
        updated_at = ${one.at}::timestamptz, ended_at = ${one.ended_at}::timestamptz,
        path = case when ${one.path_add}::text is null then path else coalesce(path || '>', '') || ${one.path_add}::text end,
        end_node = coalesce(${one.end_node}::text, end_node), cycle_working_ms = ${one.cycle_working_ms}::float8
      where id = ${one.id}::uuid and rev = ${one.rev}
        and (not ${one.est}::boolean or ${one.at}::timestamptz between ${nowExpr} - ${slack} and ${nowExpr})
        and (${one.timer_id}::bigint is null or exists (select 1 from timers tm where tm.id = ${one.timer_id}::bigint and tm.fired_at is null
               and tm.locked_by = ${one.worker}::text and tm.attempt = ${one.attempt}::integer and tm.due_at <= ${nowExpr}))
      returning id, rev, status, created_at, updated_at, ended_at, path, model_id, version_id, team_id)`);
  } else {
    ctes.push(sql`inst as (
      update instances i set snapshot = v.snapshot, data = v.data, status = v.status, rev = i.rev + 1, updated_at = v.at, ended_at = v.ended_at,
        path = case when v.path_add is null then i.path else coalesce(i.path || '>', '') || v.path_add end,
        end_node = coalesce(v.end_node, i.end_node), cycle_working_ms = v.cycle_working_ms
      from ${rows(instances)} as v(id uuid, rev integer, snapshot jsonb, data jsonb, status text, at timestamptz, ended_at timestamptz, est boolean,
                                   timer_id bigint, worker text, attempt integer, path_add text, end_node text, cycle_working_ms float8)
      where i.id = any(${ids}::uuid[]) and i.id = v.id and i.rev = v.rev
        and (not v.est or v.at between ${nowExpr} - ${slack} and ${nowExpr})
        and (v.timer_id is null or exists (select 1 from timers tm where tm.id = v.timer_id and tm.fired_at is null
               and tm.locked_by = v.worker and tm.attempt = v.attempt and tm.due_at <= ${nowExpr}))
      returning i.id, i.rev, i.status, i.created_at, i.updated_at, i.ended_at, i.path, i.model_id, i.version_id, i.team_id)`);
  }
  // The parts of the history this statement changes are unsettled until the step rollups are
  // refreshed (see `analytics/step-rollups.ts`): every write of an instance or its tasks goes
  // through here, so reports never read a stale rollup.
  ctes.push(sql`analytics_change as (
    insert into analytics_changes (model_id, version_id, team_key, month)
    select distinct inst.model_id, inst.version_id, coalesce(inst.team_id, 0), ${rollupMonthSql(sql`inst.created_at`)} from inst)`);
  const events = all('events');
  if (events.length > 0) {
    ctes.push(sql`history as (
      insert into events (instance_id, type, actor, actor_id, node_id, at, data)
      select inst.id, v.type, v.actor, v.actor_id, v.node_id, v.at, v.data
      from inst join ${rows(events)} as v(instance_id uuid, type text, actor text, actor_id bigint, node_id text, at timestamptz, data jsonb, ord integer) on v.instance_id = inst.id
      order by v.ord)`);
  }
  const newTasks = all('newTasks');
  if (newTasks.length > 0) {
    ctes.push(sql`new_tasks as (
      insert into tasks (instance_id, key, node_id, node_name, token_id, status, assignee, assignee_id, candidates, due_at, escalation_level,
                         created_at, updated_at, output, completed_at, completed_by, completed_by_username, deadline_warning,
                         decision, comment, on_behalf_of, cancel_reason, signer_group, added_by, auto, item, withdrawn_at,
                         claimed_at, first_holder, duration_working_ms, waiting_working_ms, visit)
      select inst.id, v.key, v.node_id, v.node_name, v.token_id, v.status, v.assignee, v.assignee_id, v.candidates, v.due_at, v.escalation_level,
             v.created_at, v.updated_at, v.output, v.completed_at, v.completed_by, v.completed_by_username, v.deadline_warning,
             v.decision, v.comment, v.on_behalf_of, v.cancel_reason, v.signer_group, v.added_by, v.auto, v.item, v.withdrawn_at,
             v.claimed_at, v.first_holder, v.duration_working_ms,
             case when v.completes then coalesce(v.waiting_working_ms, case when v.first_holder is not null then 0 else v.duration_working_ms end) end,
             -- Which entry of its node the task belongs to: the node's count in the instance's path so far.
             nullif(coalesce(array_length(array_positions(string_to_array(inst.path, '>'), v.node_id), 1), 0), 0)
      from inst join ${rows(newTasks)} as v(${taskColumns}) on v.instance_id = inst.id
      order by v.ord
      returning instance_id, key, id)`);
  }
  const changedTasks = all('changedTasks');
  if (changedTasks.length > 0) {
    ctes.push(sql`changed_tasks as (
      update tasks t set status = v.status, assignee = v.assignee, assignee_id = v.assignee_id, candidates = v.candidates, due_at = v.due_at,
        escalation_level = v.escalation_level, updated_at = v.updated_at, rev = t.rev + 1,
        decision = v.decision, comment = v.comment, on_behalf_of = v.on_behalf_of, cancel_reason = v.cancel_reason,
        signer_group = v.signer_group, added_by = v.added_by, auto = v.auto, item = v.item, withdrawn_at = v.withdrawn_at,
        claimed_at = v.claimed_at, first_holder = coalesce(t.first_holder, v.first_holder),
        -- A completion writes the completion columns; a withdrawn completion (the task open again) clears them.
        output = case when v.completes then v.output when v.status in ('open', 'claimed') then null else t.output end,
        completed_at = case when v.completes then v.completed_at when v.status in ('open', 'claimed') then null else t.completed_at end,
        completed_by = case when v.completes then v.completed_by when v.status in ('open', 'claimed') then null else t.completed_by end,
        completed_by_username = case when v.completes then v.completed_by_username when v.status in ('open', 'claimed') then null
          else t.completed_by_username end,
        -- Taken up: at the claim; at once when the task was created with an assignee; else at its completion.
        duration_working_ms = case when v.completes then v.duration_working_ms when v.status in ('open', 'claimed') then null
          else t.duration_working_ms end,
        waiting_working_ms = case when v.completes then coalesce(v.waiting_working_ms,
            case when coalesce(t.first_holder, v.first_holder) is not null then 0 else v.duration_working_ms end)
          when v.status in ('open', 'claimed') then null else t.waiting_working_ms end
      from inst, ${rows(changedTasks)} as v(${taskColumns})
      where t.instance_id = any(${ids}::uuid[]) and v.instance_id = inst.id and t.instance_id = inst.id and t.key = v.key
      returning t.instance_id, t.key, t.id)`);
  }
  const upserts = all('timerUpserts');
  if (upserts.length > 0) {
    // A token re-entering a node (an incident retry) schedules the same timer id again: the row
    // becomes pending again; `attempt` keeps counting, so it stays a fencing token.
    ctes.push(sql`timer_rows as (
      insert into timers (instance_id, kind, due_at, payload, key)
      select inst.id, v.kind, v.due_at, v.payload, v.key
      from inst join ${rows(upserts)} as v(instance_id uuid, key text, kind text, due_at timestamptz, payload jsonb, ord integer) on v.instance_id = inst.id
      order by v.ord
      on conflict (key) do update set kind = excluded.kind, due_at = excluded.due_at, payload = excluded.payload, fired_at = null, lease_until = null, locked_by = null)`);
  }
  const deletes = all('timerDeletes');
  if (deletes.length > 0) {
    ctes.push(sql`timer_gone as (
      delete from timers t using inst, ${rows(deletes)} as v(instance_id uuid, key text)
      where t.key = any(${folded.flatMap((f) => f.timerDeletes.map((d) => d.key))}::text[]) and v.instance_id = inst.id and t.instance_id = inst.id and t.key = v.key and t.fired_at is null)`);
  }
  const outbox = all('outbox');
  if (outbox.length > 0) {
    ctes.push(sql`outbox_rows as (
      insert into outbox (instance_id, key, kind, payload, next_attempt_at)
      select inst.id, v.key, v.kind, v.payload, ${nowExpr}
      from inst join ${rows(outbox)} as v(instance_id uuid, key text, kind text, payload jsonb, ord integer) on v.instance_id = inst.id
      order by v.ord
      on conflict (key) do nothing
      returning instance_id)`);
  }
  const notifications = all('notifications');
  if (notifications.length > 0) {
    const newTaskId =
      newTasks.length > 0
        ? sql`(select n.id from new_tasks n where n.instance_id = inst.id and n.key = v.task_key)`
        : sql`null::bigint`;
    ctes.push(sql`notes as (
      insert into notifications (user_id, instance_id, task_id, kind, payload, created_at)
      select v.user_id, inst.id, coalesce(${newTaskId}, (select t.id from tasks t where t.instance_id = inst.id and t.key = v.task_key)), v.kind, v.payload, v.created_at
      from inst join ${rows(notifications)} as v(user_id bigint, instance_id uuid, task_key text, kind text, payload jsonb, created_at timestamptz, ord integer) on v.instance_id = inst.id
      order by v.ord)`);
  }
  const cc = all('cc');
  if (cc.length > 0) {
    ctes.push(sql`cc_rows as (
      insert into cc_entries (user_id, instance_id, node_id, task_key, by_username, reason, created_at)
      select v.user_id, inst.id, v.node_id, v.task_key, v.by_username, v.reason, v.created_at
      from inst join ${rows(cc)} as v(user_id bigint, instance_id uuid, node_id text, task_key text, by_username text, reason text,
                                      created_at timestamptz, ord integer) on v.instance_id = inst.id
      order by v.ord
      on conflict (user_id, instance_id) do update set node_id = excluded.node_id, task_key = excluded.task_key,
        by_username = excluded.by_username, reason = excluded.reason, created_at = excluded.created_at, read_at = null)`);
  }
  const cursors = all('cursors');
  if (cursors.length > 0) {
    if (folded.filter((f) => f.cursors.length > 0).length > 1)
      throw new Error('writeSteps: at most one step per statement may advance round-robin cursors.');
    ctes.push(sql`cursors as (
      insert into round_robin (key, cursor)
      select v.key, v.cursor from ${rows(cursors)} as v(key text, cursor integer) where exists (select 1 from inst)
      on conflict (key) do update set cursor = excluded.cursor)`);
  }
  const fired = all('fired');
  if (fired.length > 0) {
    ctes.push(sql`fired as (
      update timers t set fired_at = ${nowExpr}, lease_until = null
      from inst, ${rows(fired)} as v(instance_id uuid, timer_id bigint, worker text, attempt integer)
      where t.id = any(${folded.flatMap((f) => f.fired.map((x) => x.timer_id))}::bigint[]) and v.instance_id = inst.id and t.id = v.timer_id
        and t.fired_at is null and t.locked_by = v.worker and t.attempt = v.attempt)`);
  }

  // Task ids the caller needs: rows this statement wrote, plus (from the snapshot the statement
  // reads, i.e. before its own writes) every open task and every task a notification names.
  const referenced = all('referenced');
  const named =
    referenced.length > 0
      ? sql` or t.key in (select r.key from ${rows(referenced)} as r(instance_id uuid, key text) where r.instance_id = inst.id)`
      : sql``;
  const idSources: RawBuilder<unknown>[] = [
    sql`select t.key, t.id from tasks t where t.instance_id = inst.id and (t.status in ('open', 'claimed')${named})`,
  ];
  if (newTasks.length > 0) idSources.push(sql`select n.key, n.id from new_tasks n where n.instance_id = inst.id`);
  if (changedTasks.length > 0)
    idSources.push(sql`select c.key, c.id from changed_tasks c where c.instance_id = inst.id`);
  const wake = folded.some((f) => f.wake);
  // Steps of cached copies get the current row back when their guard fails (see StepWrite.onStale).
  const staleIds = inserting ? [] : steps.filter((st) => st.onStale !== undefined).map((st) => st.instanceId);
  if (!inserting) {
    ctes.push(sql`stale as (
      select i.*, ${nowExpr} as now from instances i
      where i.id = any(${staleIds}::uuid[]) and not exists (select 1 from inst where inst.id = i.id))`);
  }
  const result = await sql<{
    id: string;
    rev: number;
    status: string;
    created_at: Date;
    updated_at: Date;
    ended_at: Date | null;
    task_ids: Array<[string, number]> | null;
    outbox_rows: number;
    current: (InstanceRowJson & { now: string }) | null;
  }>`${sql.raw(preparedMarker)}
    with ${sql.join(ctes)}
    select inst.id, inst.rev, inst.status, inst.created_at, inst.updated_at, inst.ended_at,
      (select json_agg(json_build_array(x.key, x.id)) from (${sql.join(idSources, sql` union all `)}) x) as task_ids,
      ${outbox.length > 0 ? sql`(select count(*) from outbox_rows o where o.instance_id = inst.id)::int` : sql`0`} as outbox_rows,
      ${wake ? sql`pg_notify(${timersChannel}, '')::text` : sql`null::text`} as woke, null::json as current
    from inst
    ${inserting ? sql`` : sql`union all select s.id, null, null, null, null, null, null, 0, null, row_to_json(s) from stale s`}`.execute(
    db,
  );
  const byId = new Map(result.rows.map((row) => [row.id, row]));
  return folded.map((f) => {
    const row = byId.get(f.step.instanceId);
    if (row?.current) {
      const { now, ...current } = row.current;
      f.step.onStale?.({ row: instanceRowFromJson(current), now: Date.parse(now) });
      return undefined;
    }
    return row && written(f, row);
  });
}

/** An instance row as `row_to_json` gives it (timestamps as text). */
export type InstanceRowJson = Omit<InstanceRow, 'created_at' | 'updated_at' | 'ended_at'> & {
  created_at: string;
  updated_at: string;
  ended_at: string | null;
};

/** An instance row from `row_to_json(instances)`. */
export function instanceRowFromJson(json: InstanceRowJson): InstanceRow {
  const { created_at, updated_at, ended_at, ...rest } = json;
  return {
    ...rest,
    created_at: new Date(created_at),
    updated_at: new Date(updated_at),
    ended_at: ended_at === null ? null : new Date(ended_at),
  };
}

/** What one instance's share of the statement came to, with the messages to publish after commit. */
function written(
  f: FoldedStep,
  row: {
    rev: number;
    status: string;
    created_at: Date;
    updated_at: Date;
    ended_at: Date | null;
    task_ids: Array<[string, number]> | null;
    outbox_rows: number;
  },
): StepWritten {
  const { instanceId, effects } = f.step;
  const taskIds = new Map<string, number>();
  for (const [key, id] of row.task_ids ?? []) taskIds.set(key, Number(id));
  const applied: AppliedEffects = { messages: [], outboxRows: row.outbox_rows };
  for (const effect of effects) {
    if (!isTaskEffect(effect)) continue;
    const old = f.step.before?.tasks[effect.task.id];
    applied.messages.push({
      message: {
        type: effect.type,
        instanceId,
        taskId: taskIds.get(effect.task.id) ?? null,
        taskKey: effect.task.id,
        nodeId: effect.task.node,
        status: effect.task.status,
        assignee: effect.task.assignee,
      },
      audience: mergeAudience(taskAudience(effect.task), old ? taskAudience(old) : {}, { instanceId }),
    });
  }
  for (const { effect, usernames } of f.notes) {
    const taskId = effect.task === undefined ? null : (taskIds.get(effect.task) ?? null);
    applied.messages.push({
      message: {
        type: 'notification.created',
        instanceId,
        taskId,
        kind: effect.reason,
        ...notificationPayload(effect),
      },
      audience: { users: usernames },
    });
  }
  applied.messages.push(...f.incidentMessages, ...f.ccMessages);
  return {
    rev: row.rev,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    endedAt: row.ended_at,
    taskIds,
    applied,
  };
}

const taskColumns = sql.raw(
  [
    'instance_id uuid',
    'key text',
    'node_id text',
    'node_name jsonb',
    'token_id text',
    'status text',
    'assignee text',
    'assignee_id bigint',
    'candidates jsonb',
    'due_at timestamptz',
    'escalation_level integer',
    'created_at timestamptz',
    'updated_at timestamptz',
    'output jsonb',
    'completed_at timestamptz',
    'completed_by bigint',
    'completed_by_username text',
    'deadline_warning text',
    'decision text',
    'comment text',
    'on_behalf_of text',
    'cancel_reason text',
    'signer_group text',
    'added_by jsonb',
    'auto text',
    'item jsonb',
    'withdrawn_at timestamptz',
    'claimed_at timestamptz',
    'first_holder text',
    'completes boolean',
    'duration_working_ms float8',
    'waiting_working_ms float8',
    'ord integer',
  ].join(', '),
);

function isTaskEffect(effect: Effect): effect is Extract<Effect, { task: TaskView }> {
  return (
    effect.type === 'task.created' ||
    effect.type === 'task.updated' ||
    effect.type === 'task.completed' ||
    effect.type === 'task.cancelled'
  );
}

/** Who may see a task: its assignee and candidates (users, positions, teams). */
function taskAudience(task: { assignee: string | null; candidates: Candidates }): Audience {
  const users = [...task.candidates.users, ...(task.assignee ? [task.assignee] : [])];
  return { users, positions: task.candidates.roles, teams: task.candidates.teams };
}

function mergeAudience(...parts: Audience[]): Audience {
  const users = new Set<string>();
  const positions = new Set<string>();
  const teams = new Set<string>();
  let instanceId: string | undefined;
  for (const part of parts) {
    for (const u of part.users ?? []) users.add(u);
    for (const p of part.positions ?? []) positions.add(p);
    for (const t of part.teams ?? []) teams.add(t);
    instanceId ??= part.instanceId;
  }
  return { users: [...users], positions: [...positions], teams: [...teams], ...(instanceId ? { instanceId } : {}) };
}
