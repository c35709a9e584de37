import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Task, TaskDetail, TaskStatus } from '@baton/client/contract';
import type { InstanceSnapshot, TaskState } from '@baton/engine';
import type { Database } from '../db/schema.ts';
import type { LoadedVersion } from '../runtime/process-cache.ts';
import type { Viewer } from '../auth/viewer.ts';

/** A task row joined with its instance's business key and model key. */
export function taskQuery(db: Kysely<Database>) {
  return db
    .selectFrom('tasks')
    .innerJoin('instances', 'instances.id', 'tasks.instance_id')
    .innerJoin('process_models', 'process_models.id', 'instances.model_id')
    .selectAll('tasks')
    .select([
      'instances.business_key',
      'process_models.key as model_key',
      'instances.version_id',
      'instances.initiator_id',
    ]);
}

type TaskQueryRow = Awaited<ReturnType<ReturnType<typeof taskQuery>['executeTakeFirstOrThrow']>>;

/** Which task {@link findTaskWithInstanceData} reads. */
export interface FindTaskOptions {
  id: number;
  /** Only when this viewer may work on it or has worked on it ({@link taskVisibleTo} with history); any task when absent. */
  visibleTo?: Viewer;
}

/** A task row ({@link taskQuery}) with its instance's data, or undefined (no such task, or not visible). */
export async function findTaskWithInstanceData(db: Kysely<Database>, options: FindTaskOptions) {
  let query = taskQuery(db).select('instances.data as instance_data').where('tasks.id', '=', options.id);
  if (options.visibleTo) query = query.where(taskVisibleTo(options.visibleTo, true));
  return query.executeTakeFirst();
}

/** The instance id of task `id`; undefined when there is no such task. */
export async function findTaskInstanceId(db: Kysely<Database>, id: number): Promise<string | undefined> {
  const row = await db.selectFrom('tasks').select('instance_id').where('id', '=', id).executeTakeFirst();
  return row?.instance_id;
}

/** Converts a task row (joined by {@link taskQuery}) to the API shape. */
export function toTaskDto(row: TaskQueryRow): Task {
  return {
    id: row.id,
    key: row.key,
    instanceId: row.instance_id,
    modelKey: row.model_key,
    businessKey: row.business_key,
    nodeId: row.node_id,
    nodeName: row.node_name,
    status: row.status,
    assignee: row.assignee,
    candidates: row.candidates,
    dueAt: row.due_at ? row.due_at.toISOString() : null,
    escalationLevel: row.escalation_level,
    output: row.output,
    createdAt: row.created_at.toISOString(),
    completedAt: row.completed_at ? row.completed_at.toISOString() : null,
    completedBy: row.completed_by_username,
    deadlineWarning: row.deadline_warning === 'beyond-calendar' ? 'beyond-calendar' : null,
    decision: row.decision === 'approve' || row.decision === 'reject' ? row.decision : null,
    comment: row.comment,
    onBehalfOf: row.on_behalf_of,
    cancelReason: row.cancel_reason,
    group: row.signer_group,
    addedBy: row.added_by,
    withdrawnAt: row.withdrawn_at ? row.withdrawn_at.toISOString() : null,
    auto: row.auto === 'dedupe' ? 'dedupe' : null,
  };
}

/** Adds the form (the node's `outputs` schema) and the values of the node's `inputs` to a task. */
export function toTaskDetailDto(
  row: TaskQueryRow,
  version: LoadedVersion,
  data: Record<string, unknown>,
  judged: Pick<TaskDetail, 'actions' | 'returnTargets'>,
): TaskDetail {
  const node = version.process.nodes.get(row.node_id)?.node;
  const inputs: Record<string, unknown> = {};
  for (const field of node?.inputs ?? []) {
    let value: unknown = data;
    for (const segment of field.split('.')) {
      value =
        value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, segment)
          ? (value as Record<string, unknown>)[segment]
          : undefined;
    }
    if (value !== undefined) inputs[field] = value;
  }
  return {
    ...toTaskDto(row),
    form: (node?.outputs as Record<string, unknown> | undefined) ?? null,
    inputs,
    actions: judged.actions,
    returnTargets: judged.returnTargets,
  };
}

/**
 * The SQL condition "the task is offered to the viewer": a candidate by username, position or
 * team (the team keys include ancestors, so a task for `sales` is offered to a `sales-east` rep).
 * Written as one `candidates @> {...}` per value, which the partial GIN index
 * `tasks_todo_offered_gin` (live, unassigned tasks) answers; no value gives false.
 */
export function offeredTo(viewer: Viewer) {
  const probes = [
    { users: [viewer.username] },
    ...viewer.positions.map((r) => ({ roles: [r] })),
    ...viewer.teamKeys.map((t) => ({ teams: [t] })),
  ];
  return sql<boolean>`(${sql.join(
    probes.map((p) => sql`tasks.candidates @> ${JSON.stringify(p)}::jsonb`),
    sql` or `,
  )})`;
}

/**
 * The SQL condition "the viewer may work on this task": assignee, or (unassigned) offered to
 * them ({@link offeredTo}). With `history`, tasks the viewer completed count too.
 */
export function taskVisibleTo(viewer: Viewer, history: boolean) {
  return (eb: ExpressionBuilder<Database, 'tasks'>) =>
    eb.or([
      eb('tasks.assignee', '=', viewer.username),
      ...(history ? [eb('tasks.completed_by_username', '=', viewer.username)] : []),
      eb.and([eb('tasks.assignee', 'is', null), offeredTo(viewer)]),
    ]);
}

/** The viewer's inbox: open and claimed tasks they may work on (or, with `status`, tasks in that status they may or did work on). */
export async function listInbox(
  db: Kysely<Database>,
  viewer: Viewer,
  filter: { status?: TaskStatus; instance?: string; limit: number; offset: number },
): Promise<Task[]> {
  let query = taskQuery(db);
  query =
    filter.status === undefined
      ? query.where('tasks.status', 'in', ['open', 'claimed'])
      : query.where('tasks.status', '=', filter.status);
  if (filter.instance !== undefined) query = query.where('tasks.instance_id', '=', filter.instance);
  const rows = await query
    .where(taskVisibleTo(viewer, filter.status !== undefined))
    .orderBy('tasks.due_at', (ob) => ob.asc().nullsLast())
    .orderBy('tasks.id')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  return rows.map(toTaskDto);
}

/** What {@link taskDtoFromState} needs of the instance. */
export interface TaskOwnerInstance {
  id: string;
  business_key: string | null;
}

/** A task as a command's snapshot holds it, with what {@link taskDtoFromState} needs around it. */
export interface TaskFromState {
  state: TaskState;
  /** The task's row id. */
  id: number;
  instance: TaskOwnerInstance;
  version: LoadedVersion;
  /** The step's `task.completed`, when it completed this task. */
  completion?: { output: Record<string, unknown>; by: string | null; at: number };
  /** The reason of the step's `task.cancelled`, when it cancelled this task. */
  cancelReason?: string;
}

/**
 * A task in the API shape built from the snapshot a command just wrote (no read-back): the
 * same fields {@link toTaskDto} gives for its row.
 */
export function taskDtoFromState({ state, id, instance, version, completion, cancelReason }: TaskFromState): Task {
  const name = version.process.nodes.get(state.node)?.node.name;
  return {
    id,
    key: state.id,
    instanceId: instance.id,
    modelKey: version.modelKey,
    businessKey: instance.business_key,
    nodeId: state.node,
    nodeName: (name as Task['nodeName'] | undefined) ?? null,
    status: state.status,
    assignee: state.assignee,
    candidates: state.candidates,
    dueAt: state.dueAt === null ? null : new Date(state.dueAt).toISOString(),
    escalationLevel: state.escalationLevel,
    output: completion ? completion.output : null,
    createdAt: new Date(state.createdAt).toISOString(),
    completedAt: completion
      ? new Date(completion.at).toISOString()
      : state.status === 'completed' && state.completedAt !== undefined
        ? new Date(state.completedAt).toISOString()
        : null,
    completedBy: completion ? completion.by : state.status === 'completed' ? (state.completedBy ?? null) : null,
    deadlineWarning: state.deadlineWarning ?? null,
    decision: state.decision ?? null,
    comment: state.comment ?? null,
    onBehalfOf: state.onBehalfOf ?? null,
    cancelReason: state.status === 'cancelled' ? (state.cancelReason ?? cancelReason ?? null) : null,
    group: state.group ?? null,
    addedBy: state.addedBy ?? null,
    withdrawnAt: state.withdrawnAt === undefined ? null : new Date(state.withdrawnAt).toISOString(),
    auto: state.auto ?? null,
  };
}

/** Whether a task is in the viewer's inbox: the JavaScript twin of {@link taskVisibleTo} without history. */
export function inInbox(state: TaskState, viewer: Viewer): boolean {
  if (state.status !== 'open' && state.status !== 'claimed') return false;
  if (state.assignee !== null) return state.assignee === viewer.username;
  const c = state.candidates;
  return (
    c.users.includes(viewer.username) ||
    c.roles.some((r) => viewer.positions.includes(r)) ||
    c.teams.some((t) => viewer.teamKeys.includes(t))
  );
}

/** What {@link nextTasksOf} looks at: the instance row a command left and the ids of its tasks. */
export interface NextTasksInput {
  /** The instance row (its snapshot) as the command left it. */
  instance: TaskOwnerInstance & { snapshot: unknown };
  /** Task row ids by task key (`AppliedOutcome.taskIds`). */
  taskIds: ReadonlyMap<string, number>;
  version: LoadedVersion;
  viewer: Viewer;
}

/**
 * The tasks of an instance that a command left in the viewer's inbox, oldest first: what a
 * client shows next without asking the inbox again.
 */
export function nextTasksOf({ instance, taskIds, version, viewer }: NextTasksInput): Task[] {
  const out: Task[] = [];
  for (const state of Object.values((instance.snapshot as InstanceSnapshot).tasks)) {
    const id = taskIds.get(state.id);
    if (id === undefined || !inInbox(state, viewer)) continue;
    out.push(taskDtoFromState({ state, id, instance, version }));
  }
  return out.sort((a, b) => a.id - b.id);
}

/** Which of `ids` the viewer may work on or has worked on ({@link taskVisibleTo} with history). */
export async function findVisibleTaskIds(
  db: Kysely<Database>,
  viewer: Viewer,
  ids: readonly number[],
): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('tasks')
    .select('tasks.id')
    .where('tasks.id', 'in', [...ids])
    .where(taskVisibleTo(viewer, true))
    .execute();
  return new Set(rows.map((r) => Number(r.id)));
}
