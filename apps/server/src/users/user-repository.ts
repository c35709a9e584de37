import { type Kysely, sql } from 'kysely';
import type { Locale, Role, Team, User } from '@baton/client/contract';
import type { Database, TeamRow } from '../db/schema.ts';
import { toJsonb } from '../db/json.ts';

function userQuery(db: Kysely<Database>) {
  return db
    .selectFrom('users')
    .leftJoin('teams', 'teams.id', 'users.team_id')
    .select([
      'users.id',
      'users.username',
      'users.display_name',
      'users.roles',
      'users.positions',
      'users.team_id',
      'teams.key as team_key',
      'users.manager_id',
      'users.locale',
      'users.out_of_office',
    ]);
}

type UserQueryRow = {
  id: number;
  username: string;
  display_name: string;
  roles: Role[];
  positions: string[];
  team_id: number | null;
  team_key: string | null;
  manager_id: number | null;
  locale: Locale;
  out_of_office: boolean;
};

/** Converts a user row (joined with its team key) to the API shape; never includes the password hash. */
export function toUserDto(row: UserQueryRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles,
    positions: row.positions,
    teamId: row.team_id,
    teamKey: row.team_key,
    managerId: row.manager_id,
    locale: row.locale,
    outOfOffice: row.out_of_office,
  };
}

/** Converts a team row to the API shape. */
export function toTeamDto(row: TeamRow): Team {
  return { id: row.id, key: row.key, name: row.name, parentId: row.parent_id, managerId: row.manager_id };
}

/** Finds a user by id; undefined when there is none. */
export async function findUserById(db: Kysely<Database>, id: number): Promise<User | undefined> {
  const row = await userQuery(db).where('users.id', '=', id).executeTakeFirst();
  return row && toUserDto(row);
}

/** Finds the id of the user with this username; undefined when there is none. */
export async function findUserIdByUsername(db: Kysely<Database>, username: string): Promise<number | undefined> {
  const row = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
  return row?.id;
}

/** Finds a user by username, with the password hash (for login only). */
export async function findUserCredentials(
  db: Kysely<Database>,
  username: string,
): Promise<{ user: User; passwordHash: string } | undefined> {
  const row = await userQuery(db)
    .select('users.password_hash')
    .where('users.username', '=', username)
    .executeTakeFirst();
  return row && { user: toUserDto(row), passwordHash: row.password_hash };
}

/** Lists every user, ordered by username. */
export async function listUsers(db: Kysely<Database>): Promise<User[]> {
  const rows = await userQuery(db).orderBy('users.username').execute();
  return rows.map(toUserDto);
}

/** Lists every team, parents before children where ids allow, ordered by id. */
export async function listTeams(db: Kysely<Database>): Promise<Team[]> {
  const rows = await db.selectFrom('teams').selectAll().orderBy('id').execute();
  return rows.map(toTeamDto);
}

/** Finds a team by key; undefined when there is none. */
export async function findTeamByKey(db: Kysely<Database>, key: string): Promise<TeamRow | undefined> {
  return db.selectFrom('teams').selectAll().where('key', '=', key).executeTakeFirst();
}

/**
 * Returns the keys of a team and all its ancestors, the team itself first (what cohort matching
 * in `resolveVersionForStart` needs). Empty for a null or unknown team.
 */
export async function findTeamKeysWithAncestors(db: Kysely<Database>, teamId: number | null): Promise<string[]> {
  if (teamId === null) return [];
  const result = await sql<{ key: string }>`
    with recursive chain (id, key, parent_id, depth) as (
      select id, key, parent_id, 0 from teams where id = ${teamId}
      union all
      select t.id, t.key, t.parent_id, c.depth + 1 from teams t join chain c on t.id = c.parent_id where c.depth < 100
    )
    select key from chain order by depth`.execute(db);
  return result.rows.map((r) => r.key);
}

/** What {@link insertUser} stores. */
export interface NewUser {
  username: string;
  displayName: string;
  passwordHash: string;
  roles: Role[];
  positions?: string[];
  teamId: number | null;
  managerId: number | null;
  locale: Locale;
  outOfOffice: boolean;
}

/** Inserts a user; returns undefined when the username is taken. */
export async function insertUser(db: Kysely<Database>, user: NewUser): Promise<User | undefined> {
  const inserted = await db
    .insertInto('users')
    .values({
      username: user.username,
      display_name: user.displayName,
      password_hash: user.passwordHash,
      roles: user.roles,
      positions: user.positions ?? [],
      team_id: user.teamId,
      manager_id: user.managerId,
      locale: user.locale,
      out_of_office: user.outOfOffice,
    })
    .onConflict((oc) => oc.column('username').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted && findUserById(db, inserted.id);
}

/** Inserts a team and returns its id. */
export async function insertTeam(
  db: Kysely<Database>,
  team: { key: string; name: Team['name']; parentId: number | null },
): Promise<number> {
  const row = await db
    .insertInto('teams')
    .values({ key: team.key, name: toJsonb(team.name), parent_id: team.parentId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The usernames of `usernames` that name no user, in the order given. */
export async function findUnknownUsernames(db: Kysely<Database>, usernames: readonly string[]): Promise<string[]> {
  if (usernames.length === 0) return [];
  const rows = await db
    .selectFrom('users')
    .select('username')
    .where('username', 'in', [...usernames])
    .execute();
  const known = new Set(rows.map((r) => r.username));
  return usernames.filter((u) => !known.has(u));
}
