import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Candidates, Directory, Effect, HistoryEvent, InstanceSnapshot, TaskState, TaskView } from '@baton/engine';
import { preparedMarker } from '../db/database.ts';
import { toJsonb } from '../db/json.ts';
import type { Database, InstanceRow } from '../db/schema.ts';
import type { Audience, HubMessage } from '../ws/hub.ts';
import { type DatabaseClockEstimate, type RuntimeClock, nowSql } from './clock.ts';

/** The channel the timer pollers LISTEN on. */
export const timersChannel = 'baton_timers';

/** What happened, for the work done after commit. */
export interface AppliedEffects {
  /** Websocket messages to publish once the transaction has committed. */
  messages: Array<{ message: HubMessage; audience: Audience }>;
  /** Outbox rows inserted (the outbox worker is kicked after commit when > 0). */
  outboxRows: number;
}

/** The instance row a step writes: a new one (start) or the existing one, guarded by its rev. */
export type InstanceWrite =
  | {
      kind: 'insert';
      modelId: number;
      versionId: number;
      businessKey: string | null;
      initiatorId: number | null;
      teamId: number | null;
    }
  | {
      kind: 'update';
      rev: number;
      /**
       * The step's instant is the process's estimate of the database clock (the command skipped
       * its read, {@link DatabaseClockEstimate}): the write applies only while that instant is not
       * ahead of the database clock nor more than {@link estimatedInstantSlackSeconds} behind it;
       * otherwise it is refused like a stale rev and the command is read and stepped again.
       */
      estimatedInstant?: boolean;
    };

/** How far behind the database clock an estimated instant may be when its write runs (see {@link InstanceWrite}). */
export const estimatedInstantSlackSeconds = 1;

/** Everything {@link writeSteps} needs to know about one applied step of one instance. */
export interface StepWrite {
  instanceId: string;
  instance: InstanceWrite;
  /** The snapshot before the step (null for a start): the old audience of a task that moves. */
  before: InstanceSnapshot | null;
  /** The snapshot after the step. */
  snapshot: InstanceSnapshot;
  effects: readonly Effect[];
  /** The step's instant (epoch ms, database clock). */
  now: number;
  directory: Directory;
  userIds: ReadonlyMap<string, number>;
  /** The claimed timer this step fires: its row is marked fired while the claim holds. */
  firedTimer?: { id: number; key: string; attempt: number; workerId: string };
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

/** One row of the `tasks` table as a step leaves it. */
interface TaskRecord {
  instance_id: string;
  key: string;
  node_id: string;
  node_name: unknown;
  token_id: string;
  status: string;
  assignee: string | null;
  assignee_id: number | null;
  candidates: Candidates;
  due_at: string | null;
  escalation_level: number;
  created_at: string;
  updated_at: string;
  output: unknown;
  completed_at: string | null;
  completed_by: number | null;
  completed_by_username: string | null;
  deadline_warning: string | null;
  completes: boolean;
}

/** One step folded into rows, before the statement runs. */
interface FoldedStep {
  step: StepWrite;
  instanceRow: Record<string, unknown>;
  events: Array<Record<string, unknown>>;
  newTasks: TaskRecord[];
  changedTasks: TaskRecord[];
  timerUpserts: Array<{ instance_id: string; key: string; kind: string; due_at: string; payload: unknown }>;
  timerDeletes: Array<{ instance_id: string; key: string }>;
  outbox: Array<{ instance_id: string; key: string; kind: string; payload: unknown }>;
  notifications: Array<{ user_id: number; instance_id: string; task_key: string | null; kind: string; payload: unknown; created_at: string }>;
  referenced: Array<{ instance_id: string; key: string }>;
  cursors: Array<{ key: string; cursor: number }>;
  fired: Array<{ instance_id: string; timer_id: number; worker: string; attempt: number }>;
  notes: Array<{ effect: Extract<Effect, { type: 'notify' }>; usernames: string[] }>;
  incidentMessages: Array<{ message: HubMessage; audience: Audience }>;
  wake: boolean;
}

/**
 * Writes one step (see {@link writeSteps}); undefined when the rev guard matched no row (a
 * concurrent command won): nothing was written.
 */
export async function writeStep(db: Kysely<Database>, step: StepWrite, context: WriteContext): Promise<StepWritten | undefined> {
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
export async function writeSteps(db: Kysely<Database>, steps: readonly StepWrite[], context: WriteContext): Promise<Array<StepWritten | undefined>> {
  if (steps.length === 0) return [];
  const folded = steps.map((step) => fold(step, context));
  // Rows carry their position (`ord`), so inserts assign ids in effect order (history is read by id).
  const all = <K extends keyof FoldedStep>(key: K) => folded.flatMap((f) => f[key] as object[]).map((row, ord) => ({ ...row, ord }));
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
      insert into instances (id, model_id, version_id, status, business_key, data, snapshot, initiator_id, team_id, rev, created_at, updated_at, ended_at)
      select v.id, v.model_id, v.version_id, v.status, v.business_key, v.data, v.snapshot, v.initiator_id, v.team_id, 1, v.at, v.at, v.ended_at
      from ${rows(instances)} as v(id uuid, model_id bigint, version_id bigint, status text, business_key text, data jsonb, snapshot jsonb,
                                   initiator_id bigint, team_id bigint, at timestamptz, ended_at timestamptz)
      returning id, rev, status, created_at, updated_at, ended_at)`);
  } else if (steps.length === 1) {
    // The common case, one command: a plain primary-key update.
    const one = instances[0] as {
      id: string;
      rev: number;
      snapshot: unknown;
      status: string;
      at: string;
      ended_at: string | null;
      est: boolean;
      timer_id: number | null;
      worker: string | null;
      attempt: number | null;
    };
    ctes.push(sql`inst as (
      update instances set snapshot = ${toJsonb(one.snapshot)}::jsonb, data = ${toJsonb(steps[0]!.snapshot.data)}::jsonb, status = ${one.status}, rev = rev + 1,
        updated_at = ${one.at}::timestamptz, ended_at = ${one.ended_at}::timestamptz
      where id = ${one.id}::uuid and rev = ${one.rev}
        and (not ${one.est}::boolean or ${one.at}::timestamptz between ${nowExpr} - ${slack} and ${nowExpr})
        and (${one.timer_id}::bigint is null or exists (select 1 from timers tm where tm.id = ${one.timer_id}::bigint and tm.fired_at is null
               and tm.locked_by = ${one.worker}::text and tm.attempt = ${one.attempt}::integer and tm.due_at <= ${nowExpr}))
      returning id, rev, status, created_at, updated_at, ended_at)`);
  } else {
    ctes.push(sql`inst as (
      update instances i set snapshot = v.snapshot, data = v.data, status = v.status, rev = i.rev + 1, updated_at = v.at, ended_at = v.ended_at
      from ${rows(instances)} as v(id uuid, rev integer, snapshot jsonb, data jsonb, status text, at timestamptz, ended_at timestamptz, est boolean,
                                   timer_id bigint, worker text, attempt integer)
      where i.id = any(${ids}::uuid[]) and i.id = v.id and i.rev = v.rev
        and (not v.est or v.at between ${nowExpr} - ${slack} and ${nowExpr})
        and (v.timer_id is null or exists (select 1 from timers tm where tm.id = v.timer_id and tm.fired_at is null
               and tm.locked_by = v.worker and tm.attempt = v.attempt and tm.due_at <= ${nowExpr}))
      returning i.id, i.rev, i.status, i.created_at, i.updated_at, i.ended_at)`);
  }
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
                         created_at, updated_at, output, completed_at, completed_by, completed_by_username, deadline_warning)
      select inst.id, v.key, v.node_id, v.node_name, v.token_id, v.status, v.assignee, v.assignee_id, v.candidates, v.due_at, v.escalation_level,
             v.created_at, v.updated_at, v.output, v.completed_at, v.completed_by, v.completed_by_username, v.deadline_warning
      from inst join ${rows(newTasks)} as v(${taskColumns}) on v.instance_id = inst.id
      order by v.ord
      returning instance_id, key, id)`);
  }
  const changedTasks = all('changedTasks');
  if (changedTasks.length > 0) {
    ctes.push(sql`changed_tasks as (
      update tasks t set status = v.status, assignee = v.assignee, assignee_id = v.assignee_id, candidates = v.candidates, due_at = v.due_at,
        escalation_level = v.escalation_level, updated_at = v.updated_at, rev = t.rev + 1,
        output = case when v.completes then v.output else t.output end,
        completed_at = case when v.completes then v.completed_at else t.completed_at end,
        completed_by = case when v.completes then v.completed_by else t.completed_by end,
        completed_by_username = case when v.completes then v.completed_by_username else t.completed_by_username end
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
    const newTaskId = newTasks.length > 0 ? sql`(select n.id from new_tasks n where n.instance_id = inst.id and n.key = v.task_key)` : sql`null::bigint`;
    ctes.push(sql`notes as (
      insert into notifications (user_id, instance_id, task_id, kind, payload, created_at)
      select v.user_id, inst.id, coalesce(${newTaskId}, (select t.id from tasks t where t.instance_id = inst.id and t.key = v.task_key)), v.kind, v.payload, v.created_at
      from inst join ${rows(notifications)} as v(user_id bigint, instance_id uuid, task_key text, kind text, payload jsonb, created_at timestamptz, ord integer) on v.instance_id = inst.id
      order by v.ord)`);
  }
  const cursors = all('cursors');
  if (cursors.length > 0) {
    if (folded.filter((f) => f.cursors.length > 0).length > 1) throw new Error('writeSteps: at most one step per statement may advance round-robin cursors.');
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
  const named = referenced.length > 0 ? sql` or t.key in (select r.key from ${rows(referenced)} as r(instance_id uuid, key text) where r.instance_id = inst.id)` : sql``;
  const idSources: RawBuilder<unknown>[] = [sql`select t.key, t.id from tasks t where t.instance_id = inst.id and (t.status in ('open', 'claimed')${named})`];
  if (newTasks.length > 0) idSources.push(sql`select n.key, n.id from new_tasks n where n.instance_id = inst.id`);
  if (changedTasks.length > 0) idSources.push(sql`select c.key, c.id from changed_tasks c where c.instance_id = inst.id`);
  const wake = folded.some((f) => f.wake);
  // Steps of cached copies get the current row back when their guard fails (see StepWrite.onStale).
  const staleIds = inserting ? [] : steps.filter((st) => st.onStale).map((st) => st.instanceId);
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
    ${inserting ? sql`` : sql`union all select s.id, null, null, null, null, null, null, 0, null, row_to_json(s) from stale s`}`.execute(db);
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
export type InstanceRowJson = Omit<InstanceRow, 'created_at' | 'updated_at' | 'ended_at'> & { created_at: string; updated_at: string; ended_at: string | null };

/** An instance row from `row_to_json(instances)`. */
export function instanceRowFromJson(json: InstanceRowJson): InstanceRow {
  const { created_at, updated_at, ended_at, ...rest } = json;
  return { ...rest, created_at: new Date(created_at), updated_at: new Date(updated_at), ended_at: ended_at === null ? null : new Date(ended_at) };
}

/** Folds one step's effects into the rows it writes. */
function fold(w: StepWrite, context: WriteContext): FoldedStep {
  const { instanceId, effects, snapshot } = w;
  const at = new Date(w.now).toISOString();
  const tasks = new Map<string, { view: TaskView; created: boolean; completion?: { output: unknown; by: string | null } }>();
  const timers = new Map<string, { op: 'upsert'; row: FoldedStep['timerUpserts'][number] } | { op: 'delete' }>();
  const out: FoldedStep = {
    step: w,
    instanceRow: {},
    events: [],
    newTasks: [],
    changedTasks: [],
    timerUpserts: [],
    timerDeletes: [],
    outbox: [],
    notifications: [],
    referenced: [],
    cursors: [],
    fired: [],
    notes: [],
    incidentMessages: [],
    wake: false,
  };
  const cursors = new Map<string, number>();
  const history: HistoryEvent[] = [];

  for (const effect of effects) {
    switch (effect.type) {
      case 'task.created':
      case 'task.updated':
      case 'task.completed':
      case 'task.cancelled': {
        const prior = tasks.get(effect.task.id);
        tasks.set(effect.task.id, {
          view: effect.task,
          created: (prior?.created ?? false) || effect.type === 'task.created',
          ...(effect.type === 'task.completed' ? { completion: { output: effect.output, by: effect.by } } : prior?.completion ? { completion: prior.completion } : {}),
        });
        break;
      }
      case 'timer.scheduled': {
        const t = effect.timer;
        const key = `${instanceId}:${t.id}`;
        timers.set(key, {
          op: 'upsert',
          row: { instance_id: instanceId, key, kind: t.kind, due_at: new Date(t.dueAt).toISOString(), payload: { timer: t.id, token: t.token, kind: t.kind, ...(t.rung !== undefined ? { rung: t.rung } : {}) } },
        });
        if (t.dueAt - w.now < context.wakeWindowMs) out.wake = true;
        break;
      }
      case 'timer.cancelled':
        timers.set(`${instanceId}:${effect.timer}`, { op: 'delete' });
        break;
      case 'service.call':
        out.outbox.push({
          instance_id: instanceId,
          key: `${instanceId}:${effect.call}`,
          kind: 'service',
          payload: { call: effect.call, node: effect.node, attempt: effect.attempt, action: effect.action, ...(effect.body !== undefined ? { body: effect.body } : {}) },
        });
        break;
      case 'notify': {
        const usernames = resolveRecipients(w.directory, effect.to).filter((u) => w.userIds.has(u));
        if (usernames.length === 0) break;
        const payload = notificationPayload(effect);
        for (const username of usernames) {
          out.notifications.push({ user_id: w.userIds.get(username)!, instance_id: instanceId, task_key: effect.task ?? null, kind: effect.reason, payload, created_at: at });
        }
        if (effect.task !== undefined) out.referenced.push({ instance_id: instanceId, key: effect.task });
        out.notes.push({ effect, usernames });
        break;
      }
      case 'assignment.advanced':
        cursors.set(effect.key, effect.cursor);
        break;
      case 'incident.raised':
        out.incidentMessages.push({ message: { type: 'incident.raised', instanceId, incident: effect.incident }, audience: { instanceId } });
        break;
      case 'incident.resolved':
        out.incidentMessages.push({ message: { type: 'incident.resolved', instanceId, incident: effect.incident, how: effect.how }, audience: { instanceId } });
        break;
      case 'history':
        history.push(effect.event);
        break;
      case 'event.awaited':
      case 'instance.finished':
        // Awaited events live in the snapshot; the instance row's status is written below.
        break;
    }
  }

  // A reminder moves a task's escalation level without a task effect: write its row too.
  for (const event of history) {
    if (event.type !== 'escalation.fired' || event.task === undefined || tasks.has(event.task)) continue;
    const state = snapshot.tasks[event.task];
    if (state) tasks.set(event.task, { view: state, created: false });
  }

  for (const [key, { view, created, completion }] of tasks) {
    // The snapshot holds the task's final state after the step; the view carries its node name.
    const state: TaskState = snapshot.tasks[key] ?? view;
    const record: TaskRecord = {
      instance_id: instanceId,
      key,
      node_id: state.node,
      node_name: view.nodeName ?? null,
      token_id: state.token,
      status: state.status,
      assignee: state.assignee,
      assignee_id: state.assignee === null ? null : (w.userIds.get(state.assignee) ?? null),
      candidates: state.candidates,
      due_at: state.dueAt === null ? null : new Date(state.dueAt).toISOString(),
      escalation_level: state.escalationLevel,
      created_at: new Date(state.createdAt).toISOString(),
      updated_at: at,
      output: completion ? completion.output : null,
      completed_at: completion ? at : null,
      completed_by: completion?.by ? (w.userIds.get(completion.by) ?? null) : null,
      completed_by_username: completion ? completion.by : null,
      deadline_warning: state.deadlineWarning ?? null,
      completes: completion !== undefined,
    };
    (created ? out.newTasks : out.changedTasks).push(record);
  }
  for (const [key, t] of timers) {
    if (t.op === 'upsert') out.timerUpserts.push(t.row);
    else out.timerDeletes.push({ instance_id: instanceId, key });
  }
  out.cursors = [...cursors].map(([key, cursor]) => ({ key, cursor }));
  out.events = history.map((event) => ({
    instance_id: instanceId,
    type: event.type,
    actor: event.actor ?? null,
    actor_id: event.actor ? (w.userIds.get(event.actor) ?? null) : null,
    node_id: event.node ?? null,
    at: new Date(event.at).toISOString(),
    data: {
      ...(event.data ?? {}),
      ...(event.task !== undefined ? { task: event.task } : {}),
      ...(event.token !== undefined ? { token: event.token } : {}),
    },
  }));
  // A step that reschedules or cancels the very timer it fires leaves that row as the upsert or
  // delete says (one statement may not change a row twice); otherwise the row is marked fired.
  if (w.firedTimer && !timers.has(w.firedTimer.key)) {
    out.fired.push({ instance_id: instanceId, timer_id: w.firedTimer.id, worker: w.firedTimer.workerId, attempt: w.firedTimer.attempt });
  }
  const endedAt = snapshot.endedAt === null ? null : new Date(snapshot.endedAt).toISOString();
  out.instanceRow =
    w.instance.kind === 'insert'
      ? {
          id: instanceId,
          model_id: w.instance.modelId,
          version_id: w.instance.versionId,
          status: snapshot.status,
          business_key: w.instance.businessKey,
          data: snapshot.data,
          snapshot,
          initiator_id: w.instance.initiatorId,
          team_id: w.instance.teamId,
          at,
          ended_at: endedAt,
        }
      : {
          id: instanceId,
          rev: w.instance.rev,
          snapshot,
          data: snapshot.data,
          status: snapshot.status,
          at,
          ended_at: endedAt,
          est: w.instance.estimatedInstant === true,
          // A step firing a claimed timer applies only while the claim holds and the timer is due.
          timer_id: w.firedTimer?.id ?? null,
          worker: w.firedTimer?.workerId ?? null,
          attempt: w.firedTimer?.attempt ?? null,
        };
  return out;
}

/** What one instance's share of the statement came to, with the messages to publish after commit. */
function written(f: FoldedStep, row: { rev: number; status: string; created_at: Date; updated_at: Date; ended_at: Date | null; task_ids: Array<[string, number]> | null; outbox_rows: number }): StepWritten {
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
    } as { message: HubMessage; audience: Audience });
  }
  for (const { effect, usernames } of f.notes) {
    const taskId = effect.task === undefined ? null : (taskIds.get(effect.task) ?? null);
    applied.messages.push({
      message: { type: 'notification.created', instanceId, taskId, kind: effect.reason, ...notificationPayload(effect) },
      audience: { users: usernames },
    });
  }
  applied.messages.push(...f.incidentMessages);
  return { rev: row.rev, status: row.status, createdAt: row.created_at, updatedAt: row.updated_at, endedAt: row.ended_at, taskIds, applied };
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
    'completes boolean',
    'ord integer',
  ].join(', '),
);

function notificationPayload(effect: Extract<Effect, { type: 'notify' }>) {
  return { reason: effect.reason, node: effect.node, ...(effect.task !== undefined ? { task: effect.task } : {}), ...(effect.action ? { action: effect.action } : {}) };
}

function isTaskEffect(effect: Effect): effect is Extract<Effect, { task: TaskView }> {
  return effect.type === 'task.created' || effect.type === 'task.updated' || effect.type === 'task.completed' || effect.type === 'task.cancelled';
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

/**
 * The usernames a notification goes to: the assignee when there is one, otherwise every user
 * named in the candidates, holding one of their positions, or in one of their teams (or below).
 */
export function resolveRecipients(directory: Directory, to: Candidates & { assignee?: string | null }): string[] {
  if (to.assignee) return [to.assignee];
  const out = new Set<string>(to.users);
  for (const [username, user] of Object.entries(directory.users)) {
    if (user.roles.some((r) => to.roles.includes(r)) || user.teams.some((t) => to.teams.includes(t))) out.add(username);
  }
  return [...out].sort();
}
