/**
 * Database reads behind the websocket: who a socket belongs to (username, roles, positions, team
 * keys with their ancestors) and whether that user may watch an instance.
 *
 * Written defensively against the schema growing: `users.positions` and the task candidate
 * fields are read from `selectAll()` rows and accepted in whichever shape they have (absent, a
 * text array or a JSON array).
 *
 * @module
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { WsPrincipal } from './ws-hub.ts';

/** Roles that may watch any instance. */
export const instanceWatcherRoles: readonly string[] = ['admin', 'owner', 'operator'];

/**
 * Loads the principals of `userIds` (users that no longer exist are absent from the map).
 * Teams are read whole once to walk each user's team up to the root.
 */
export async function loadWsPrincipals(
  db: Kysely<Database>,
  userIds: readonly number[],
): Promise<Map<number, WsPrincipal>> {
  const result = new Map<number, WsPrincipal>();
  if (userIds.length === 0) return result;
  const [users, teams] = await Promise.all([
    db
      .selectFrom('users')
      .selectAll()
      .where('id', 'in', [...userIds])
      .execute(),
    db.selectFrom('teams').select(['id', 'key', 'parent_id']).execute(),
  ]);
  const teamById = new Map(teams.map((t) => [t.id, t]));
  for (const row of users) {
    const teamKeys: string[] = [];
    let current = row.team_id === null ? undefined : teamById.get(row.team_id);
    // The depth bound guards against a cycle in parent_id, which the schema does not forbid.
    for (let depth = 0; current && depth < 64; depth++) {
      teamKeys.push(current.key);
      current = current.parent_id === null ? undefined : teamById.get(current.parent_id);
    }
    result.set(row.id, {
      userId: row.id,
      username: row.username,
      roles: toStringArray(row.roles),
      positions: toStringArray((row as Record<string, unknown>).positions),
      teams: teamKeys,
    });
  }
  return result;
}

/** Loads one user's principal; `undefined` when the user does not exist. */
export async function loadWsPrincipal(db: Kysely<Database>, userId: number): Promise<WsPrincipal | undefined> {
  return (await loadWsPrincipals(db, [userId])).get(userId);
}

/** The answer of {@link findInstanceAccess}. */
export type InstanceAccess = 'allowed' | 'forbidden' | 'not-found';

/**
 * Whether `principal` may watch instance `instanceId`: admins, owners and operators may watch
 * any existing instance (`not-found` otherwise); anyone else only instances they started, or
 * in which they are (or were) the assignee, the completer or a candidate of a task. For them a
 * missing instance is `forbidden`, so ids cannot be probed.
 *
 * @param instanceId - a uuid (the caller validates the format; PostgreSQL rejects other text)
 */
export async function findInstanceAccess(
  db: Kysely<Database>,
  principal: WsPrincipal,
  instanceId: string,
): Promise<InstanceAccess> {
  const instance = await db
    .selectFrom('instances')
    .select(['id', 'initiator_id'])
    .where('id', '=', instanceId)
    .executeTakeFirst();
  const privileged = principal.roles.some((r) => instanceWatcherRoles.includes(r));
  if (!instance) return privileged ? 'not-found' : 'forbidden';
  if (privileged || instance.initiator_id === principal.userId) return 'allowed';
  const tasks = await db.selectFrom('tasks').selectAll().where('instance_id', '=', instanceId).execute();
  return tasks.some((task) => isTaskPerson(task, principal)) ? 'allowed' : 'forbidden';
}

function isTaskPerson(task: Record<string, unknown>, principal: WsPrincipal): boolean {
  if (task.assignee_id === principal.userId || task.completed_by === principal.userId) return true;
  // The run loop also keeps usernames (the engine's user ids), for users without a row.
  if (task.assignee === principal.username || task.completed_by_username === principal.username) return true;
  const raw = typeof task.candidates === 'string' ? safeParse(task.candidates) : task.candidates;
  if (typeof raw !== 'object' || raw === null) return false;
  const candidates = raw as Record<string, unknown>;
  const users = Array.isArray(candidates.users) ? candidates.users : [];
  if (users.some((u) => u === principal.userId || u === principal.username || u === String(principal.userId)))
    return true;
  const positions = [...toStringArray(candidates.roles), ...toStringArray(candidates.positions)];
  if (positions.some((p) => principal.positions.includes(p))) return true;
  // A candidate team includes its sub-teams, so it is matched against the user's team ancestry.
  return toStringArray(candidates.teams).some((t) => principal.teams.includes(t));
}

function toStringArray(value: unknown): string[] {
  if (typeof value === 'string') value = safeParse(value);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
