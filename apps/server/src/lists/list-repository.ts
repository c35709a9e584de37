import { type Kysely, type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type {
  CcEntry,
  CcListQuery,
  CcPage,
  CcReason,
  CurrentStep,
  DoneListQuery,
  InstanceStatus,
  ListCounts,
  LocalizedText,
  StartedListQuery,
  StartedPage,
  TaskPage,
  TodoListQuery,
  TodoPage,
} from '@baton/client/contract';
import type { Database } from '../db/schema.ts';
import { ApiError } from '../errors.ts';
import type { Viewer } from '../auth/viewer.ts';
import { instanceQuery, toInstanceDto } from '../instances/instance-repository.ts';
import { nodeNameSql } from '../models/node-name-sql.ts';
import { offeredTo, taskQuery, taskVisibleTo, toTaskDto } from '../tasks/task-repository.ts';
import type { ProcessCache } from '../runtime/process-cache.ts';
import { workingTimeLeft } from './time-left.ts';

/**
 * The four lists of the inbox (to do, done, started, cc'd) with keyset pagination: each page
 * ends with a cursor holding the sort value and id of its last item, and the next page starts
 * strictly after that pair, so items that arrive meanwhile never shift a page (no repeats, no
 * gaps among the items that were there). Sort values travel as PostgreSQL's own text of the
 * timestamp, so no precision is lost between pages.
 *
 * @module
 */

/** Where a page starts: after the item with this sort value (null: no deadline) and id (a row id, or an instance uuid). */
export interface ListCursor {
  value: string | null;
  id: number | string;
}

const uuidText = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `value` is a timestamp as PostgreSQL writes one (`2026-12-04 09:00:00.123+00`) and a real date. */
function isTimestampText(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d{1,6})?([+-]\d{2}(:\d{2})?)$/.exec(value);
  if (!m) return false;
  const at = new Date(`${m[1]}T${m[2]}Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 19) === `${m[1]}T${m[2]}`;
}

/** Encodes a cursor as an opaque URL-safe string. Pure. */
export function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify([cursor.value, cursor.id]), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor from {@link encodeCursor}; a cursor that is not one answers 400
 * `API_VALIDATION` with the path `/cursor`.
 */
export function decodeCursor(text: string, route: string, idKind: 'integer' | 'uuid' = 'integer'): ListCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 2 &&
    (parsed[0] === null || isTimestampText(parsed[0])) &&
    (idKind === 'integer'
      ? Number.isSafeInteger(parsed[1]) && (parsed[1] as number) > 0
      : typeof parsed[1] === 'string' && uuidText.test(parsed[1]))
  ) {
    return { value: parsed[0] as string | null, id: parsed[1] as number | string };
  }
  const message =
    'At /cursor: this is not a cursor of this list. Pass the `nextCursor` of the previous page unchanged.';
  throw new ApiError(
    'API_VALIDATION',
    { part: 'querystring', route, summary: message },
    { issues: [{ path: '/cursor', code: 'API_INVALID_CURSOR', message }] },
  );
}

/** Parses a query timestamp (`from`/`to`, already matched by the contract's pattern); 400 when it is no date. */
export function parseQueryTime(text: string | undefined, name: string, route: string): Date | undefined {
  if (text === undefined) return undefined;
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) {
    const message = `At /${name}: "${text}" is not a date. Write it as 2026-12-04 or 2026-12-04T09:00:00Z.`;
    throw new ApiError(
      'API_VALIDATION',
      { part: 'querystring', route, summary: message },
      { issues: [{ path: `/${name}`, code: 'SCHEMA_FORMAT', message }] },
    );
  }
  return at;
}

/** What every list needs besides its query: who asks, the clock and the route (for errors). */
export interface ListContext {
  viewer: Viewer;
  /** The run loop's clock as SQL (overdue is judged on it). */
  now: RawBuilder<Date>;
  route: string;
}

/** What the to-do list needs besides a {@link ListContext}: the compiled versions (for the tasks' calendars) and "now" in epoch ms. */
export interface TodoContext extends ListContext {
  processes: ProcessCache;
  /** The run loop's clock now (epoch ms), the instant `timeLeft` is counted at. */
  nowMs: number;
}

/** Keyset condition for ascending `(col nulls last, id)` after `cursor`. */
function afterAscNullsLast(col: string, idCol: string, cursor: ListCursor) {
  const c = sql.ref(col);
  const id = sql.ref(idCol);
  return cursor.value === null
    ? sql<boolean>`(${c} is null and ${id} > ${cursor.id})`
    : sql<boolean>`((${c}, ${id}) > (${cursor.value}::timestamptz, ${cursor.id}) or ${c} is null)`;
  // (An integer id here: the deadline order is for task lists only.)
}

/** Keyset condition for descending `(col, id)` (never null) after `cursor`. */
function afterDesc(col: string, idCol: string, cursor: ListCursor) {
  const id = typeof cursor.id === 'string' ? sql`${cursor.id}::uuid` : sql`${cursor.id}`;
  return sql<boolean>`((${sql.ref(col)}, ${sql.ref(idCol)}) < (${cursor.value}::timestamptz, ${id}))`;
}

/** The page's items, its next cursor (from the extra row fetched) and the rows' sort values. */
function toPage<R extends { id: number | string; sort_value: string | null }>(rows: R[], limit: number) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return {
    items,
    nextCursor: more && last ? encodeCursor({ value: last.sort_value, id: last.id }) : null,
  };
}

/**
 * 待办: open and claimed tasks assigned to the viewer (also as a delegate: such tasks are
 * assigned to the agent, marked `onBehalfOf`) or offered to them by username, position or team.
 * `from`/`to` bound the task's arrival. The page is the merge of two index walks, each limited
 * to the page: tasks assigned to the viewer (`tasks_todo_assignee_idx`, in deadline order) and
 * unassigned tasks offered to them (`tasks_todo_offered_gin`); only the page's rows are then
 * joined with their instances.
 */
export async function listTodo(
  db: Kysely<Database>,
  ctx: TodoContext,
  query: TodoListQuery & { limit: number },
): Promise<TodoPage> {
  const sort = query.sort ?? 'deadline';
  const col = sort === 'deadline' ? 'tasks.due_at' : 'tasks.created_at';
  const dir = sort === 'deadline' ? sql`asc` : sql`desc`;
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ctx.route);
  const from = parseQueryTime(query.from, 'from', ctx.route);
  const to = parseQueryTime(query.to, 'to', ctx.route);
  const v = ctx.viewer;
  const filtered = <Q extends TaskOnly>(q: Q): Q => {
    let out = q.where('tasks.status', 'in', ['open', 'claimed']);
    if (query.step !== undefined) out = out.where('tasks.node_id', '=', query.step);
    if (from) out = out.where('tasks.created_at', '>=', from);
    if (to) out = out.where('tasks.created_at', '<', to);
    if (query.overdue !== undefined)
      out = out.where(
        query.overdue
          ? sql<boolean>`tasks.due_at < ${ctx.now}`
          : sql<boolean>`(tasks.due_at is null or tasks.due_at >= ${ctx.now})`,
      );
    if (query.process !== undefined) out = out.where(ofProcess(query.process));
    return out as Q;
  };
  const branch = (assigned: boolean) => {
    let q = filtered(db.selectFrom('tasks'))
      .select([
        'tasks.id',
        sql<Date | null>`${sql.ref(col)}`.as('sort_at'),
        sql<string | null>`${sql.ref(col)}::text`.as('sort_value'),
      ])
      .where((eb) =>
        assigned ? eb('tasks.assignee', '=', v.username) : eb.and([eb('tasks.assignee', 'is', null), offeredTo(v)]),
      );
    if (cursor)
      q = q.where(
        sort === 'deadline' ? afterAscNullsLast(col, 'tasks.id', cursor) : afterDesc(col, 'tasks.id', cursor),
      );
    return sort === 'deadline'
      ? q
          .orderBy(sql.ref(col), (ob) => ob.asc().nullsLast())
          .orderBy('tasks.id', 'asc')
          .limit(query.limit + 1)
      : q
          .orderBy(sql.ref(col), 'desc')
          .orderBy('tasks.id', 'desc')
          .limit(query.limit + 1);
  };
  const [page, total] = await Promise.all([
    sql<{ id: number; sort_value: string | null }>`
      select x.id, x.sort_value from ((${branch(true)}) union all (${branch(false)})) x
      order by x.sort_at ${dir} nulls last, x.id ${dir} limit ${query.limit + 1}`.execute(db),
    filtered(db.selectFrom('tasks'))
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where(taskVisibleTo(v, false))
      .executeTakeFirstOrThrow(),
  ]);
  const { items, nextCursor } = toPage(
    page.rows.map((r) => ({ ...r, id: Number(r.id) })),
    query.limit,
  );
  const rows = await taskRowsInOrder(
    db,
    items.map((r) => r.id),
  );
  const withTimeLeft = await Promise.all(
    rows.map(async (row) => {
      const version = await ctx.processes.get(db, row.version_id);
      const timeLeft = workingTimeLeft(
        version.process,
        { nodeId: row.node_id, createdAt: row.created_at.getTime(), dueAt: row.due_at ? row.due_at.getTime() : null },
        ctx.nowMs,
      );
      return { ...toTaskDto(row), timeLeft };
    }),
  );
  return { items: withTimeLeft, count: Number(total.n), nextCursor };
}

type TaskOnly = SelectQueryBuilder<Database, 'tasks', object>;

/** Only tasks of instances of process model `key`. */
function ofProcess(key: string) {
  return sql<boolean>`exists (select 1 from instances pi join process_models pm on pm.id = pi.model_id
    where pi.id = tasks.instance_id and pm.key = ${key})`;
}

/** The task rows ({@link taskQuery}) with these ids, in the order given. */
async function taskRowsInOrder(db: Kysely<Database>, ids: number[]) {
  if (ids.length === 0) return [];
  const rows = await taskQuery(db).where('tasks.id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [row] : [];
  });
}

/** The tasks with these ids as DTOs, in the order given. */
async function tasksInOrder(db: Kysely<Database>, ids: number[]) {
  return (await taskRowsInOrder(db, ids)).map(toTaskDto);
}

/**
 * 已办: tasks the viewer completed (a withdrawn completion (撤回) leaves the list). `from`/`to` bound
 * the completion; `overdue` means completed after the deadline. Served by `tasks_done_idx`.
 */
export async function listDone(
  db: Kysely<Database>,
  ctx: ListContext,
  query: DoneListQuery & { limit: number },
): Promise<TaskPage> {
  const sort = query.sort ?? 'recent';
  const col = sort === 'deadline' ? 'tasks.due_at' : 'tasks.completed_at';
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ctx.route);
  const from = parseQueryTime(query.from, 'from', ctx.route);
  const to = parseQueryTime(query.to, 'to', ctx.route);
  let base = db
    .selectFrom('tasks')
    .where('tasks.completed_by_username', '=', ctx.viewer.username)
    .where('tasks.status', '=', 'completed')
    .where('tasks.withdrawn_at', 'is', null);
  if (query.step !== undefined) base = base.where('tasks.node_id', '=', query.step);
  if (from) base = base.where('tasks.completed_at', '>=', from);
  if (to) base = base.where('tasks.completed_at', '<', to);
  if (query.process !== undefined) base = base.where(ofProcess(query.process));
  if (query.overdue !== undefined)
    base = base.where(
      query.overdue
        ? sql<boolean>`tasks.completed_at > tasks.due_at`
        : sql<boolean>`(tasks.due_at is null or tasks.completed_at <= tasks.due_at)`,
    );
  let page = base.select(['tasks.id', sql<string | null>`${sql.ref(col)}::text`.as('sort_value')]);
  if (cursor)
    page = page.where(
      sort === 'deadline' ? afterAscNullsLast(col, 'tasks.id', cursor) : afterDesc(col, 'tasks.id', cursor),
    );
  page =
    sort === 'deadline'
      ? page.orderBy(sql.ref(col), (ob) => ob.asc().nullsLast()).orderBy('tasks.id', 'asc')
      : page.orderBy(sql.ref(col), 'desc').orderBy('tasks.id', 'desc');
  const [rows, total] = await Promise.all([
    page.limit(query.limit + 1).execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const { items, nextCursor } = toPage(
    rows.map((r) => ({ ...r, id: Number(r.id) })),
    query.limit,
  );
  return {
    items: await tasksInOrder(
      db,
      items.map((r) => r.id),
    ),
    count: Number(total.n),
    nextCursor,
  };
}

/**
 * 我发起的: instances the viewer started, newest first. `step`: those with an open task at that
 * node; `overdue`: those with an open task past its deadline; `from`/`to` bound the start.
 * Served by `instances_started_idx`.
 */
export async function listStarted(
  db: Kysely<Database>,
  ctx: ListContext,
  query: StartedListQuery & { limit: number },
): Promise<StartedPage> {
  let base = instanceQuery(db).where('instances.initiator_id', '=', ctx.viewer.user.id);
  if (query.process !== undefined) base = base.where('process_models.key', '=', query.process);
  if (query.status !== undefined) base = base.where('instances.status', '=', query.status);
  if (query.step !== undefined || query.overdue !== undefined) {
    const step = query.step;
    const overdue = query.overdue;
    const openTask = (extra: RawBuilder<boolean>) =>
      sql<boolean>`exists (select 1 from tasks ot where ot.instance_id = instances.id and ot.status in ('open', 'claimed') and ${extra})`;
    if (step !== undefined) base = base.where(openTask(sql<boolean>`ot.node_id = ${step}`));
    if (overdue === true) base = base.where(openTask(sql<boolean>`ot.due_at < ${ctx.now}`));
    if (overdue === false) base = base.where(sql<boolean>`not ${openTask(sql<boolean>`ot.due_at < ${ctx.now}`)}`);
  }
  const from = parseQueryTime(query.from, 'from', ctx.route);
  const to = parseQueryTime(query.to, 'to', ctx.route);
  if (from) base = base.where('instances.created_at', '>=', from);
  if (to) base = base.where('instances.created_at', '<', to);
  let page = base.select(sql<string>`instances.created_at::text`.as('sort_value'));
  if (query.cursor !== undefined)
    page = page.where(afterDesc('instances.created_at', 'instances.id', decodeCursor(query.cursor, ctx.route, 'uuid')));
  const [rows, total] = await Promise.all([
    page
      .orderBy('instances.created_at', 'desc')
      .orderBy('instances.id', 'desc')
      .limit(query.limit + 1)
      .execute(),
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  const { items, nextCursor } = toPage(rows, query.limit);
  const current = await currentSteps(
    db,
    items.map((r) => r.id),
  );
  return {
    items: items.map((row) => ({ ...toInstanceDto(row), current: current.get(row.id) ?? [] })),
    count: Number(total.n),
    nextCursor,
  };
}

/** The open tasks of these instances (their current steps), oldest first, by instance id. */
async function currentSteps(db: Kysely<Database>, instanceIds: string[]): Promise<Map<string, CurrentStep[]>> {
  const out = new Map<string, CurrentStep[]>();
  if (instanceIds.length === 0) return out;
  const rows = await db
    .selectFrom('tasks')
    .select(['id', 'instance_id', 'node_id', 'node_name', 'assignee', 'due_at'])
    .where('instance_id', 'in', instanceIds)
    .where('status', 'in', ['open', 'claimed'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const row of rows) {
    const list = out.get(row.instance_id) ?? [];
    list.push({
      taskId: Number(row.id),
      nodeId: row.node_id,
      nodeName: row.node_name,
      assignee: row.assignee,
      dueAt: row.due_at ? row.due_at.toISOString() : null,
    });
    out.set(row.instance_id, list);
  }
  return out;
}

type CcRow = {
  id: number;
  instance_id: string;
  node_id: string;
  node_name: LocalizedText | null;
  task_key: string | null;
  by_username: string | null;
  reason: string;
  created_at: Date;
  read_at: Date | null;
  model_key: string;
  business_key: string | null;
  instance_status: string;
};

/** Converts a cc row (joined with its instance) to the API shape. Pure. */
export function toCcEntryDto(row: CcRow): CcEntry {
  return {
    id: row.id,
    instanceId: row.instance_id,
    modelKey: row.model_key,
    businessKey: row.business_key,
    instanceStatus: row.instance_status as InstanceStatus,
    nodeId: row.node_id,
    nodeName: row.node_name,
    taskKey: row.task_key,
    by: row.by_username,
    reason: row.reason as CcReason,
    createdAt: row.created_at.toISOString(),
    readAt: row.read_at ? row.read_at.toISOString() : null,
  };
}

/** The cc entries of one user joined with their instances; every cc read starts here, so no one reaches another's rows. */
function ccOf(db: Kysely<Database>, userId: number) {
  return db
    .selectFrom('cc_entries')
    .innerJoin('instances', 'instances.id', 'cc_entries.instance_id')
    .innerJoin('process_models', 'process_models.id', 'instances.model_id')
    .select([
      'cc_entries.id',
      'cc_entries.instance_id',
      'cc_entries.node_id',
      'cc_entries.task_key',
      'cc_entries.by_username',
      'cc_entries.reason',
      'cc_entries.created_at',
      'cc_entries.read_at',
      'process_models.key as model_key',
      'instances.business_key',
      'instances.status as instance_status',
      nodeNameSql(sql.ref('instances.version_id'), sql.ref('cc_entries.node_id')).as('node_name'),
    ])
    .where('cc_entries.user_id', '=', userId);
}

/**
 * 抄送我的: the instances cc'd to the viewer, newest cc first, read and unread (`unread` narrows);
 * `step` is the node that cc'd, `from`/`to` bound the cc's time. Served by `cc_entries_list_idx`.
 */
export async function listCc(
  db: Kysely<Database>,
  ctx: ListContext,
  query: CcListQuery & { limit: number },
): Promise<CcPage> {
  let base = ccOf(db, ctx.viewer.user.id);
  if (query.process !== undefined) base = base.where('process_models.key', '=', query.process);
  if (query.step !== undefined) base = base.where('cc_entries.node_id', '=', query.step);
  if (query.unread !== undefined) base = base.where('cc_entries.read_at', query.unread ? 'is' : 'is not', null);
  const from = parseQueryTime(query.from, 'from', ctx.route);
  const to = parseQueryTime(query.to, 'to', ctx.route);
  if (from) base = base.where('cc_entries.created_at', '>=', from);
  if (to) base = base.where('cc_entries.created_at', '<', to);
  let page = base.select(sql<string>`cc_entries.created_at::text`.as('sort_value'));
  if (query.cursor !== undefined)
    page = page.where(afterDesc('cc_entries.created_at', 'cc_entries.id', decodeCursor(query.cursor, ctx.route)));
  const [rows, total, unread] = await Promise.all([
    page
      .orderBy('cc_entries.created_at', 'desc')
      .orderBy('cc_entries.id', 'desc')
      .limit(query.limit + 1)
      .execute(),
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
    countUnreadCc(db, ctx.viewer.user.id),
  ]);
  const { items, nextCursor } = toPage(rows, query.limit);
  return { items: items.map(toCcEntryDto), count: Number(total.n), unread, nextCursor };
}

async function countUnreadCc(db: Kysely<Database>, userId: number): Promise<number> {
  const row = await db
    .selectFrom('cc_entries')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The badge counts of the four lists, in one statement. */
export async function countLists(db: Kysely<Database>, ctx: ListContext): Promise<ListCounts> {
  const v = ctx.viewer;
  const todo = db.selectFrom('tasks').where('tasks.status', 'in', ['open', 'claimed']).where(taskVisibleTo(v, false));
  const [todoRow, doneRow, startedRow, ccRow] = await Promise.all([
    todo
      .select((eb) => [
        eb.fn.countAll<string>().as('n'),
        sql<string>`count(*) filter (where tasks.due_at < ${ctx.now})`.as('overdue'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('completed_by_username', '=', v.username)
      .where('status', '=', 'completed')
      .where('withdrawn_at', 'is', null)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('instances')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('initiator_id', '=', v.user.id)
      .where('status', '=', 'running')
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('cc_entries')
      .select((eb) => [
        eb.fn.countAll<string>().as('n'),
        sql<string>`count(*) filter (where read_at is null)`.as('unread'),
      ])
      .where('user_id', '=', v.user.id)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    todo: Number(todoRow.n),
    todoOverdue: Number(todoRow.overdue),
    done: Number(doneRow.n),
    started: Number(startedRow.n),
    cc: Number(ccRow.n),
    ccUnread: Number(ccRow.unread),
  };
}

/** Marks one of the user's cc entries read (`read`) or unread; undefined when it is not theirs. */
export async function markCc(
  db: Kysely<Database>,
  { id, userId, read, now }: { id: number; userId: number; read: boolean; now: RawBuilder<Date> },
): Promise<CcEntry | undefined> {
  const updated = await db
    .updateTable('cc_entries')
    .set({ read_at: read ? sql<Date>`coalesce(read_at, ${now})` : null })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .returning('id')
    .executeTakeFirst();
  if (!updated) return undefined;
  const row = await ccOf(db, userId).where('cc_entries.id', '=', id).executeTakeFirst();
  return row && toCcEntryDto(row);
}
