import { type Insertable, type Kysely, sql } from 'kysely';
import type { Candidates, Directory, Effect, HistoryEvent, TaskState, TaskView } from '@baton/engine';
import { toJsonb } from '../db/json.ts';
import type { Database, EventsTable } from '../db/schema.ts';
import type { Audience, HubMessage } from '../ws/hub.ts';
import { type RuntimeClock, nowSql } from './clock.ts';

/** What {@link applyEffects} needs to know about the step it writes. */
export interface EffectScope {
  trx: Kysely<Database>;
  clock: RuntimeClock;
  instanceId: string;
  /** The step's instant (epoch ms, database clock). */
  now: number;
  directory: Directory;
  userIds: ReadonlyMap<string, number>;
  /** The snapshot's tasks after the step (for fields that change without a task effect). */
  tasksAfter: Readonly<Record<string, TaskState>>;
  /** A timer due sooner than this many ms from `now` wakes the pollers with NOTIFY. */
  wakeWindowMs: number;
  /** Set when the caller already inserted the history rows (see {@link toEventRows}). */
  historyWritten?: boolean;
}

/** What happened, for the work done after commit. */
export interface AppliedEffects {
  /** Websocket messages to publish once the transaction has committed. */
  messages: Array<{ message: HubMessage; audience: Audience }>;
  /** Outbox rows inserted (the outbox worker is kicked after commit when > 0). */
  outboxRows: number;
}

/** The channel the timer pollers LISTEN on. */
export const timersChannel = 'baton_timers';

/**
 * Writes a step's effects inside its transaction: task rows (by `(instance_id, key)`), timer
 * rows (upserted by their deterministic key `<instance>:<timer id>`, deleted when cancelled),
 * outbox rows for service calls (key `<instance>:<call>`; the engine's call ids are unique per instance), notification rows for the
 * resolved recipients, round-robin cursors and the history events. Returns the websocket
 * messages to publish after commit; nothing here talks to the outside world.
 */
export async function applyEffects(scope: EffectScope, effects: readonly Effect[]): Promise<AppliedEffects> {
  const { trx, instanceId } = scope;
  const applied: AppliedEffects = { messages: [], outboxRows: 0 };
  const at = new Date(scope.now);

  // Task rows as they were before this step: their old audience must hear that the task moved.
  const touchedKeys = [...new Set(effects.flatMap((e) => (isTaskEffect(e) ? [e.task.id] : [])))];
  const before = new Map<string, { id: number; assignee: string | null; candidates: Candidates }>();
  if (touchedKeys.length > 0) {
    const rows = await trx.selectFrom('tasks').select(['id', 'key', 'assignee', 'candidates']).where('instance_id', '=', instanceId).where('key', 'in', touchedKeys).execute();
    for (const row of rows) before.set(row.key, { id: row.id, assignee: row.assignee, candidates: row.candidates });
  }
  const taskIds = new Map<string, number>([...before].map(([key, row]) => [key, row.id]));
  const history: HistoryEvent[] = [];
  let wake = false;

  for (const effect of effects) {
    switch (effect.type) {
      case 'task.created':
      case 'task.updated':
      case 'task.completed':
      case 'task.cancelled': {
        const id = await writeTask(scope, effect, at);
        taskIds.set(effect.task.id, id);
        const old = before.get(effect.task.id);
        applied.messages.push({
          message: {
            type: effect.type,
            instanceId,
            taskId: id,
            taskKey: effect.task.id,
            nodeId: effect.task.node,
            status: effect.task.status,
            assignee: effect.task.assignee,
          },
          audience: mergeAudience(taskAudience(effect.task), old ? taskAudience(old) : {}, { instanceId }),
        });
        break;
      }
      case 'timer.scheduled': {
        const t = effect.timer;
        await trx
          .insertInto('timers')
          .values({
            instance_id: instanceId,
            kind: t.kind,
            due_at: new Date(t.dueAt),
            payload: toJsonb({ timer: t.id, token: t.token, kind: t.kind, ...(t.rung !== undefined ? { rung: t.rung } : {}) }),
            key: `${instanceId}:${t.id}`,
          })
          // A token re-entering a node (an incident retry) schedules the same timer id again:
          // the row becomes pending again; `attempt` keeps counting, so it stays a fencing token.
          .onConflict((oc) =>
            oc.column('key').doUpdateSet({
              kind: (eb) => eb.ref('excluded.kind'),
              due_at: (eb) => eb.ref('excluded.due_at'),
              payload: (eb) => eb.ref('excluded.payload'),
              fired_at: null,
              lease_until: null,
              locked_by: null,
            }),
          )
          .execute();
        if (t.dueAt - scope.now < scope.wakeWindowMs) wake = true;
        break;
      }
      case 'timer.cancelled':
        await trx.deleteFrom('timers').where('key', '=', `${instanceId}:${effect.timer}`).where('fired_at', 'is', null).execute();
        break;
      case 'service.call': {
        const inserted = await trx
          .insertInto('outbox')
          .values({
            instance_id: instanceId,
            key: `${instanceId}:${effect.call}`,
            kind: 'service',
            payload: toJsonb({ call: effect.call, node: effect.node, attempt: effect.attempt, action: effect.action, ...(effect.body !== undefined ? { body: effect.body } : {}) }),
            next_attempt_at: nowSql(scope.clock),
          })
          .onConflict((oc) => oc.column('key').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (inserted) applied.outboxRows += 1;
        break;
      }
      case 'notify': {
        const recipients = resolveRecipients(scope.directory, effect.to);
        const taskId = effect.task === undefined ? null : (taskIds.get(effect.task) ?? (await findTaskId(trx, instanceId, effect.task)));
        if (effect.task !== undefined && taskId !== null) taskIds.set(effect.task, taskId);
        const rows = recipients.flatMap((username) => {
          const userId = scope.userIds.get(username);
          return userId === undefined ? [] : [{ username, userId }];
        });
        if (rows.length > 0) {
          const payload = { reason: effect.reason, node: effect.node, ...(effect.task !== undefined ? { task: effect.task } : {}), ...(effect.action ? { action: effect.action } : {}) };
          await trx
            .insertInto('notifications')
            .values(rows.map((r) => ({ user_id: r.userId, instance_id: instanceId, task_id: taskId, kind: effect.reason, payload: toJsonb(payload), created_at: at })))
            .execute();
          applied.messages.push({
            message: { type: 'notification.created', instanceId, taskId, kind: effect.reason, ...payload },
            audience: { users: rows.map((r) => r.username) },
          });
        }
        break;
      }
      case 'assignment.advanced':
        await trx
          .insertInto('round_robin')
          .values({ key: effect.key, cursor: effect.cursor })
          .onConflict((oc) => oc.column('key').doUpdateSet({ cursor: (eb) => eb.ref('excluded.cursor') }))
          .execute();
        break;
      case 'incident.raised':
        applied.messages.push({ message: { type: 'incident.raised', instanceId, incident: effect.incident }, audience: { instanceId } });
        break;
      case 'incident.resolved':
        applied.messages.push({ message: { type: 'incident.resolved', instanceId, incident: effect.incident, how: effect.how }, audience: { instanceId } });
        break;
      case 'history':
        history.push(effect.event);
        break;
      case 'event.awaited':
      case 'instance.finished':
        // Awaited events live in the snapshot; the instance row's status is written by the caller.
        break;
    }
  }

  // The escalation level moves without a task effect (a reminder): copy it from the snapshot.
  const escalated = new Set(history.flatMap((e) => (e.type === 'escalation.fired' && e.task !== undefined ? [e.task] : [])));
  for (const key of escalated) {
    const level = scope.tasksAfter[key]?.escalationLevel;
    if (level === undefined) continue;
    await trx.updateTable('tasks').set({ escalation_level: level, updated_at: at }).where('instance_id', '=', instanceId).where('key', '=', key).execute();
  }

  if (history.length > 0 && !scope.historyWritten) {
    await trx.insertInto('events').values(toEventRows(instanceId, history, scope.userIds)).execute();
  }
  if (wake) await sql`select pg_notify(${timersChannel}, '')`.execute(trx);
  return applied;
}

/** The `events` rows of a step's history effects (at = the step's instant, actor = username). */
export function toEventRows(instanceId: string, history: readonly HistoryEvent[], userIds: ReadonlyMap<string, number>): Insertable<EventsTable>[] {
  return history.map((event) => ({
    instance_id: instanceId,
    type: event.type,
    actor: event.actor ?? null,
    actor_id: event.actor ? (userIds.get(event.actor) ?? null) : null,
    node_id: event.node ?? null,
    at: new Date(event.at),
    data: toJsonb({
      ...(event.data ?? {}),
      ...(event.task !== undefined ? { task: event.task } : {}),
      ...(event.token !== undefined ? { token: event.token } : {}),
    }),
  }));
}

/** The history events among a step's effects. */
export function historyOf(effects: readonly Effect[]): HistoryEvent[] {
  return effects.flatMap((e) => (e.type === 'history' ? [e.event] : []));
}

function isTaskEffect(effect: Effect): effect is Extract<Effect, { task: TaskView }> {
  return effect.type === 'task.created' || effect.type === 'task.updated' || effect.type === 'task.completed' || effect.type === 'task.cancelled';
}

async function writeTask(scope: EffectScope, effect: Extract<Effect, { task: TaskView }>, at: Date): Promise<number> {
  const { trx, instanceId, userIds } = scope;
  const task = effect.task;
  const common = {
    status: task.status,
    assignee: task.assignee,
    assignee_id: task.assignee === null ? null : (userIds.get(task.assignee) ?? null),
    candidates: toJsonb(task.candidates),
    due_at: task.dueAt === null ? null : new Date(task.dueAt),
    escalation_level: task.escalationLevel,
    updated_at: at,
  };
  if (effect.type === 'task.created') {
    const row = await trx
      .insertInto('tasks')
      .values({
        ...common,
        instance_id: instanceId,
        key: task.id,
        node_id: task.node,
        node_name: task.nodeName ? toJsonb(task.nodeName) : null,
        token_id: task.token,
        created_at: new Date(task.createdAt),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }
  const completion =
    effect.type === 'task.completed'
      ? {
          output: toJsonb(effect.output),
          completed_at: at,
          completed_by_username: effect.by,
          completed_by: effect.by === null ? null : (userIds.get(effect.by) ?? null),
        }
      : {};
  const row = await trx
    .updateTable('tasks')
    .set((eb) => ({ ...common, ...completion, rev: eb('rev', '+', 1) }))
    .where('instance_id', '=', instanceId)
    .where('key', '=', task.id)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw new Error(`Task ${task.id} of instance ${instanceId} has no row although the snapshot has it; the tasks table is out of step with the snapshot.`);
  return row.id;
}

async function findTaskId(trx: Kysely<Database>, instanceId: string, key: string): Promise<number | null> {
  const row = await trx.selectFrom('tasks').select('id').where('instance_id', '=', instanceId).where('key', '=', key).executeTakeFirst();
  return row?.id ?? null;
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
