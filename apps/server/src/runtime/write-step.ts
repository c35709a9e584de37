import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Candidates, Directory, Effect, HistoryEvent, InstanceSnapshot, TaskState, TaskView } from '@baton/engine';
import { preparedMarker } from '../db/database.ts';
import { toJsonb } from '../db/json.ts';
import type { Database } from '../db/schema.ts';
import type { Audience, HubMessage } from '../ws/hub.ts';
import { type RuntimeClock, nowSql } from './clock.ts';

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
  | { kind: 'update'; rev: number };

/** Everything {@link writeStep} needs to know about one applied step. */
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
  clock: RuntimeClock;
  /** A timer due sooner than this many ms from `now` wakes the pollers with NOTIFY. */
  wakeWindowMs: number;
  /** The claimed timer this step fires: its row is marked fired while the claim holds. */
  firedTimer?: { id: number; key: string; attempt: number; workerId: string };
}

/** What the write statement reports back. */
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
  completes: boolean;
}

/**
 * Writes one applied step as ONE SQL statement: the instance row (inserted, or updated only
 * while its `rev` is unchanged), and — as data-modifying CTEs that all hang off that row, so
 * nothing is written when the rev guard fails — the history events, task rows (by
 * `(instance_id, key)`), timer rows (upserted by their key `<instance>:<timer id>`, deleted when
 * cancelled), outbox rows for service calls, notifications for the resolved recipients and
 * round-robin cursors, plus a NOTIFY for the timer pollers when a timer is due soon.
 *
 * One statement means one round trip and, outside a transaction, one commit: the run loop's
 * whole write costs what a single-row update costs in round trips, and it is atomic on its own.
 * The effects are first folded per key (a task created and completed by one step is one row),
 * since one statement may not change a row twice.
 *
 * Returns undefined when the rev guard matched no row (a concurrent command won): nothing was written.
 */
export async function writeStep(db: Kysely<Database>, w: StepWrite): Promise<StepWritten | undefined> {
  const { instanceId, effects, snapshot } = w;
  const at = new Date(w.now).toISOString();
  const nowExpr = nowSql(w.clock);

  // Fold the effects per key.
  const tasks = new Map<string, { view: TaskView; created: boolean; completion?: { output: unknown; by: string | null } }>();
  const timers = new Map<string, { op: 'upsert'; row: { key: string; kind: string; due_at: string; payload: unknown } } | { op: 'delete' }>();
  const outbox: Array<{ key: string; kind: string; payload: unknown }> = [];
  const notifications: Array<{ user_id: number; task_key: string | null; kind: string; payload: unknown; username: string }> = [];
  const cursors = new Map<string, number>();
  const history: HistoryEvent[] = [];
  const notes: Array<{ effect: Extract<Effect, { type: 'notify' }>; usernames: string[] }> = [];
  const incidentMessages: Array<{ message: HubMessage; audience: Audience }> = [];
  let wake = false;

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
          row: { key, kind: t.kind, due_at: new Date(t.dueAt).toISOString(), payload: { timer: t.id, token: t.token, kind: t.kind, ...(t.rung !== undefined ? { rung: t.rung } : {}) } },
        });
        if (t.dueAt - w.now < w.wakeWindowMs) wake = true;
        break;
      }
      case 'timer.cancelled':
        timers.set(`${instanceId}:${effect.timer}`, { op: 'delete' });
        break;
      case 'service.call':
        outbox.push({
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
          notifications.push({ user_id: w.userIds.get(username)!, task_key: effect.task ?? null, kind: effect.reason, payload, username });
        }
        notes.push({ effect, usernames });
        break;
      }
      case 'assignment.advanced':
        cursors.set(effect.key, effect.cursor);
        break;
      case 'incident.raised':
        incidentMessages.push({ message: { type: 'incident.raised', instanceId, incident: effect.incident }, audience: { instanceId } });
        break;
      case 'incident.resolved':
        incidentMessages.push({ message: { type: 'incident.resolved', instanceId, incident: effect.incident, how: effect.how }, audience: { instanceId } });
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

  const records: TaskRecord[] = [...tasks].map(([key, { view, completion }]) => {
    // The snapshot holds the task's final state after the step; the view carries its node name.
    const state: TaskState = snapshot.tasks[key] ?? view;
    return {
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
      completes: completion !== undefined,
    };
  });
  const newTasks = records.filter((r) => tasks.get(r.key)!.created);
  const changedTasks = records.filter((r) => !tasks.get(r.key)!.created);
  const upserts = [...timers.values()].flatMap((t) => (t.op === 'upsert' ? [t.row] : []));
  const deletes = [...timers].flatMap(([key, t]) => (t.op === 'delete' ? [key] : []));
  const eventRows = toEventRows(history, w.userIds);
  const referenced = [...new Set(notifications.flatMap((n) => (n.task_key === null ? [] : [n.task_key])))];

  const ctes: RawBuilder<unknown>[] = [];
  const endedAt = snapshot.endedAt === null ? null : new Date(snapshot.endedAt).toISOString();
  if (w.instance.kind === 'insert') {
    const i = w.instance;
    ctes.push(sql`inst as (
      insert into instances (id, model_id, version_id, status, business_key, data, snapshot, initiator_id, team_id, rev, created_at, updated_at, ended_at)
      values (${instanceId}::uuid, ${i.modelId}, ${i.versionId}, ${snapshot.status}, ${i.businessKey}, ${toJsonb(snapshot.data)}::jsonb, ${toJsonb(snapshot)}::jsonb,
              ${i.initiatorId}::bigint, ${i.teamId}::bigint, 1, ${at}::timestamptz, ${at}::timestamptz, ${endedAt}::timestamptz)
      returning id, rev, status, created_at, updated_at, ended_at)`);
  } else {
    ctes.push(sql`inst as (
      update instances set snapshot = ${toJsonb(snapshot)}::jsonb, data = ${toJsonb(snapshot.data)}::jsonb, status = ${snapshot.status}, rev = rev + 1,
        updated_at = ${at}::timestamptz, ended_at = ${endedAt}::timestamptz
      where id = ${instanceId}::uuid and rev = ${w.instance.rev}
      returning id, rev, status, created_at, updated_at, ended_at)`);
  }
  if (eventRows.length > 0) {
    ctes.push(sql`history as (
      insert into events (instance_id, type, actor, actor_id, node_id, at, data)
      select inst.id, v.type, v.actor, v.actor_id, v.node_id, v.at, v.data
      from inst, jsonb_to_recordset(${toJsonb(eventRows)}::jsonb) as v(type text, actor text, actor_id bigint, node_id text, at timestamptz, data jsonb))`);
  }
  if (newTasks.length > 0) {
    ctes.push(sql`new_tasks as (
      insert into tasks (instance_id, key, node_id, node_name, token_id, status, assignee, assignee_id, candidates, due_at, escalation_level,
                         created_at, updated_at, output, completed_at, completed_by, completed_by_username)
      select inst.id, v.key, v.node_id, v.node_name, v.token_id, v.status, v.assignee, v.assignee_id, v.candidates, v.due_at, v.escalation_level,
             v.created_at, v.updated_at, v.output, v.completed_at, v.completed_by, v.completed_by_username
      from inst, jsonb_to_recordset(${toJsonb(newTasks)}::jsonb) as v(${taskColumns})
      returning key, id)`);
  }
  if (changedTasks.length > 0) {
    ctes.push(sql`changed_tasks as (
      update tasks t set status = v.status, assignee = v.assignee, assignee_id = v.assignee_id, candidates = v.candidates, due_at = v.due_at,
        escalation_level = v.escalation_level, updated_at = v.updated_at, rev = t.rev + 1,
        output = case when v.completes then v.output else t.output end,
        completed_at = case when v.completes then v.completed_at else t.completed_at end,
        completed_by = case when v.completes then v.completed_by else t.completed_by end,
        completed_by_username = case when v.completes then v.completed_by_username else t.completed_by_username end
      from inst, jsonb_to_recordset(${toJsonb(changedTasks)}::jsonb) as v(${taskColumns})
      where t.instance_id = inst.id and t.key = v.key
      returning t.key, t.id)`);
  }
  if (upserts.length > 0) {
    // A token re-entering a node (an incident retry) schedules the same timer id again: the row
    // becomes pending again; `attempt` keeps counting, so it stays a fencing token.
    ctes.push(sql`timer_rows as (
      insert into timers (instance_id, kind, due_at, payload, key)
      select inst.id, v.kind, v.due_at, v.payload, v.key
      from inst, jsonb_to_recordset(${toJsonb(upserts)}::jsonb) as v(key text, kind text, due_at timestamptz, payload jsonb)
      on conflict (key) do update set kind = excluded.kind, due_at = excluded.due_at, payload = excluded.payload, fired_at = null, lease_until = null, locked_by = null)`);
  }
  if (deletes.length > 0) {
    ctes.push(sql`timer_gone as (
      delete from timers t using inst where t.instance_id = inst.id and t.key = any(${deletes}::text[]) and t.fired_at is null)`);
  }
  if (outbox.length > 0) {
    ctes.push(sql`outbox_rows as (
      insert into outbox (instance_id, key, kind, payload, next_attempt_at)
      select inst.id, v.key, v.kind, v.payload, ${nowExpr}
      from inst, jsonb_to_recordset(${toJsonb(outbox)}::jsonb) as v(key text, kind text, payload jsonb)
      on conflict (key) do nothing
      returning id)`);
  }
  if (notifications.length > 0) {
    const newTaskId = newTasks.length > 0 ? sql`(select n.id from new_tasks n where n.key = v.task_key)` : sql`null::bigint`;
    ctes.push(sql`notes as (
      insert into notifications (user_id, instance_id, task_id, kind, payload, created_at)
      select v.user_id, inst.id, coalesce(${newTaskId}, (select t.id from tasks t where t.instance_id = inst.id and t.key = v.task_key)), v.kind, v.payload, ${at}::timestamptz
      from inst, jsonb_to_recordset(${toJsonb(notifications.map(({ username: _, ...n }) => n))}::jsonb) as v(user_id bigint, task_key text, kind text, payload jsonb))`);
  }
  // A step that reschedules or cancels the very timer it fires leaves that row as the upsert or
  // delete says (one statement may not change a row twice); otherwise the row is marked fired.
  if (w.firedTimer && !timers.has(w.firedTimer.key)) {
    const t = w.firedTimer;
    ctes.push(sql`fired as (
      update timers t set fired_at = ${nowExpr}, lease_until = null
      from inst where t.id = ${t.id} and t.fired_at is null and t.locked_by = ${t.workerId} and t.attempt = ${t.attempt})`);
  }
  if (cursors.size > 0) {
    ctes.push(sql`cursors as (
      insert into round_robin (key, cursor)
      select v.key, v.cursor from inst, jsonb_to_recordset(${toJsonb([...cursors].map(([key, cursor]) => ({ key, cursor })))}::jsonb) as v(key text, cursor integer)
      on conflict (key) do update set cursor = excluded.cursor)`);
  }

  // Task ids the caller needs: rows this statement wrote, plus (from the snapshot the statement
  // reads, i.e. before its own writes) every open task and every task a notification names.
  const idSources: RawBuilder<unknown>[] = [
    sql`select t.key, t.id from tasks t, inst where t.instance_id = inst.id and (t.status in ('open', 'claimed') or t.key = any(${referenced}::text[]))`,
  ];
  if (newTasks.length > 0) idSources.push(sql`select key, id from new_tasks`);
  if (changedTasks.length > 0) idSources.push(sql`select key, id from changed_tasks`);
  const { rows } = await sql<{ rev: number; status: string; created_at: Date; updated_at: Date; ended_at: Date | null; task_ids: Array<[string, number]> | null; outbox_rows: number }>`${sql.raw(preparedMarker)}
    with ${sql.join(ctes)}
    select inst.rev, inst.status, inst.created_at, inst.updated_at, inst.ended_at,
      (select json_agg(json_build_array(x.key, x.id)) from (${sql.join(idSources, sql` union all `)}) x) as task_ids,
      ${outbox.length > 0 ? sql`(select count(*) from outbox_rows)::int` : sql`0`} as outbox_rows
      ${wake ? sql`, pg_notify(${timersChannel}, '')` : sql``}
    from inst`.execute(db);
  const row = rows[0];
  if (!row) return undefined;

  const taskIds = new Map<string, number>();
  for (const [key, id] of row.task_ids ?? []) taskIds.set(key, Number(id));

  const applied: AppliedEffects = { messages: [], outboxRows: row.outbox_rows };
  for (const effect of effects) {
    if (!isTaskEffect(effect)) continue;
    const old = w.before?.tasks[effect.task.id];
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
  for (const { effect, usernames } of notes) {
    const taskId = effect.task === undefined ? null : (taskIds.get(effect.task) ?? null);
    applied.messages.push({
      message: { type: 'notification.created', instanceId, taskId, kind: effect.reason, ...notificationPayload(effect) },
      audience: { users: usernames },
    });
  }
  applied.messages.push(...incidentMessages);
  return { rev: row.rev, status: row.status, createdAt: row.created_at, updatedAt: row.updated_at, endedAt: row.ended_at, taskIds, applied };
}

const taskColumns = sql.raw(
  [
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
    'completes boolean',
  ].join(', '),
);

function notificationPayload(effect: Extract<Effect, { type: 'notify' }>) {
  return { reason: effect.reason, node: effect.node, ...(effect.task !== undefined ? { task: effect.task } : {}), ...(effect.action ? { action: effect.action } : {}) };
}

/** The `events` rows of a step's history effects (at = the event's instant, actor = username). */
function toEventRows(history: readonly HistoryEvent[], userIds: ReadonlyMap<string, number>) {
  return history.map((event) => ({
    type: event.type,
    actor: event.actor ?? null,
    actor_id: event.actor ? (userIds.get(event.actor) ?? null) : null,
    node_id: event.node ?? null,
    at: new Date(event.at).toISOString(),
    data: {
      ...(event.data ?? {}),
      ...(event.task !== undefined ? { task: event.task } : {}),
      ...(event.token !== undefined ? { token: event.token } : {}),
    },
  }));
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
