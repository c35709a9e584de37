import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { HistoryEntry, Incident, Instance, InstanceDetail, InstanceStatus } from '@baton/client/contract';
import { type InstanceSnapshot, awaitedEvents } from '@baton/engine';
import type { Database, InstanceRow } from '../db/schema.ts';
import type { LoadedVersion } from '../runtime/process-cache.ts';
import type { Viewer } from '../auth/viewer.ts';
import { ApiError } from '../errors.ts';
import { taskQuery, toTaskDto } from '../tasks/task-repository.ts';

/** An instance row joined with its model key, version number and initiator's username. */
export function instanceQuery(db: Kysely<Database>) {
  return db
    .selectFrom('instances')
    .innerJoin('process_models', 'process_models.id', 'instances.model_id')
    .innerJoin('process_versions', 'process_versions.id', 'instances.version_id')
    .leftJoin('users', 'users.id', 'instances.initiator_id')
    .selectAll('instances')
    .select([
      'process_models.key as model_key',
      'process_versions.number as version_number',
      'users.username as initiator_username',
    ]);
}

type InstanceQueryRow = InstanceRow & { model_key: string; version_number: number; initiator_username: string | null };

/** Converts an instance row (joined by {@link instanceQuery}) to the API shape. */
export function toInstanceDto(row: InstanceQueryRow): Instance {
  return {
    id: row.id,
    modelKey: row.model_key,
    versionId: row.version_id,
    version: row.version_number,
    status: row.status as InstanceStatus,
    businessKey: row.business_key,
    data: row.data,
    initiator: row.initiator_username,
    rev: row.rev,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    endedAt: row.ended_at ? row.ended_at.toISOString() : null,
  };
}

/**
 * The API shape of a row a command just wrote, without reading it back: the model key and
 * version number come from its version, the initiator's username from the snapshot.
 */
export function instanceDtoOf(row: InstanceRow, version: LoadedVersion): Instance {
  const initiator = (row.snapshot as InstanceSnapshot).initiator;
  return toInstanceDto({
    ...row,
    model_key: version.modelKey,
    version_number: version.versionNumber,
    initiator_username: initiator,
  });
}

/**
 * The SQL condition "a participant may see this instance": they started it, it was cc'd to them
 * (抄送), or one of its tasks is or was theirs (assignee, completer, or candidate by username,
 * position or team).
 */
export function instanceVisibleTo(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, 'instances'>) =>
    eb.or([
      eb('instances.initiator_id', '=', viewer.user.id),
      eb.exists(
        eb
          .selectFrom('cc_entries as vc')
          .select(sql`1`.as('one'))
          .whereRef('vc.instance_id', '=', 'instances.id')
          .where('vc.user_id', '=', viewer.user.id),
      ),
      eb.exists(
        eb
          .selectFrom('tasks as vt')
          .select(sql`1`.as('one'))
          .whereRef('vt.instance_id', '=', 'instances.id')
          .where((w) =>
            w.or([
              w('vt.assignee', '=', viewer.username),
              w('vt.completed_by_username', '=', viewer.username),
              sql<boolean>`vt.candidates -> 'users' ? ${viewer.username}`,
              sql<boolean>`vt.candidates -> 'roles' ?| ${viewer.positions}::text[]`,
              sql<boolean>`vt.candidates -> 'teams' ?| ${viewer.teamKeys}::text[]`,
            ]),
          ),
      ),
    ]);
}

/** Whether the viewer may see instance `id` (admins, owners and operators see all). */
export async function canSeeInstance(db: Kysely<Database>, viewer: Viewer, id: string): Promise<boolean> {
  let query = db.selectFrom('instances').select('instances.id').where('instances.id', '=', id);
  if (!viewer.seesAll) query = query.where(instanceVisibleTo(viewer));
  return (await query.executeTakeFirst()) !== undefined;
}

/** Which instances {@link findInstancesAwaitingEvent} looks for. */
export interface AwaitingEventFilter {
  /** The business event's name (`contract.signed`). */
  event: string;
  /** Only instances with this business key. */
  businessKey: string;
}

/**
 * The ids of the running instances with a business key whose tokens wait for an event, oldest
 * first. The database narrows by business key (`instances_business_key_idx`); which events an
 * instance awaits is the engine's to say ({@link awaitedEvents}), so nothing here knows how a
 * snapshot stores its tokens. A hint, not a promise: the `signal` command steps each instance
 * again on its current row, and an instance that stopped waiting meanwhile receives nothing.
 */
export async function findInstancesAwaitingEvent(db: Kysely<Database>, filter: AwaitingEventFilter): Promise<string[]> {
  const rows = await db
    .selectFrom('instances')
    .select(['id', 'snapshot'])
    .where('business_key', '=', filter.businessKey)
    .where('status', '=', 'running')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows
    .filter((row) => awaitedEvents(row.snapshot as InstanceSnapshot).includes(filter.event))
    .map((row) => row.id);
}

/** The filters of {@link listInstances} (the contract's query, paging applied, period parsed). */
export interface InstanceFilter {
  model?: string;
  status?: InstanceStatus;
  businessKey?: string;
  /** A version number (of `model`, or of any model). */
  version?: number;
  /** A team key: instances started in it or in a team below it. */
  team?: string;
  /** Started at or after. */
  from?: Date | undefined;
  /** Started before. */
  to?: Date | undefined;
  limit: number;
  offset: number;
}

/**
 * Lists instances the viewer may see, newest first. The team filter takes the team's subtree
 * (a recursive walk of `teams.parent_id`).
 *
 * @throws ApiError `API_VALIDATION` (400, path `/team`) when `team` names no team.
 */
export async function listInstances(db: Kysely<Database>, viewer: Viewer, filter: InstanceFilter): Promise<Instance[]> {
  let teamIds: number[] | undefined;
  if (filter.team !== undefined) {
    const { rows } = await sql<{ id: number }>`
      with recursive subtree(id) as (
        select id from teams where key = ${filter.team}
        union all
        select t.id from teams t join subtree s on t.parent_id = s.id
      )
      select id from subtree`.execute(db);
    if (rows.length === 0) {
      const route = 'GET /api/instances';
      const message = `At /team: there is no team "${filter.team}". Use a team key from GET /api/teams.`;
      throw new ApiError(
        'API_VALIDATION',
        { part: 'querystring', route, summary: message },
        { issues: [{ path: '/team', code: 'API_UNKNOWN_TEAM', message }] },
      );
    }
    teamIds = rows.map((r) => r.id);
  }
  let query = instanceQuery(db);
  if (filter.model !== undefined) query = query.where('process_models.key', '=', filter.model);
  if (filter.status !== undefined) query = query.where('instances.status', '=', filter.status);
  if (filter.businessKey !== undefined) query = query.where('instances.business_key', '=', filter.businessKey);
  if (filter.version !== undefined) query = query.where('process_versions.number', '=', filter.version);
  if (teamIds !== undefined) query = query.where('instances.team_id', 'in', teamIds);
  if (filter.from !== undefined) query = query.where('instances.created_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('instances.created_at', '<', filter.to);
  if (!viewer.seesAll) query = query.where(instanceVisibleTo(viewer));
  const rows = await query
    .orderBy('instances.created_at', 'desc')
    .orderBy('instances.id')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  return rows.map(toInstanceDto);
}

/** The instance with its active nodes, every task, open incidents (from the snapshot) and history. */
export async function getInstanceDetail(db: Kysely<Database>, id: string): Promise<InstanceDetail | undefined> {
  const row = await instanceQuery(db).where('instances.id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const snapshot = row.snapshot as InstanceSnapshot;
  const [tasks, events] = await Promise.all([
    taskQuery(db).where('tasks.instance_id', '=', id).orderBy('tasks.id').execute(),
    db.selectFrom('events').selectAll().where('instance_id', '=', id).orderBy('id').execute(),
  ]);
  const incidents: Incident[] = Object.values(snapshot.incidents ?? {}).map((i) => ({
    id: i.id,
    node: i.node,
    token: i.token,
    code: i.code,
    message: i.message,
    at: new Date(i.at).toISOString(),
  }));
  const history: HistoryEntry[] = events.map((e) => ({
    id: e.id,
    type: e.type,
    actor: e.actor,
    nodeId: e.node_id,
    at: e.at.toISOString(),
    data: e.data,
  }));
  return {
    instance: toInstanceDto(row),
    activeNodes: [...new Set(snapshot.tokens.map((t) => t.node))],
    tasks: tasks.map(toTaskDto),
    incidents,
    history,
  };
}
