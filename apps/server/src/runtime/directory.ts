import type { Kysely } from 'kysely';
import type { Directory } from '@baton/engine';
import type { Database } from '../db/schema.ts';
import type { LoadedVersion } from './process-cache.ts';

/** The engine's {@link Directory} plus the username → user id map the run loop needs for rows. */
export interface LoadedDirectory {
  directory: Directory;
  userIds: Map<string, number>;
}

/** People and teams as loaded from the database, shared by the commands of a short while. */
interface DirectoryBase {
  users: Directory['users'];
  teams: Directory['teams'];
  userIds: Map<string, number>;
  /** Delegations (委托) not ended when loaded, oldest first: usernames and epoch-ms bounds. */
  delegations: Array<{ user: string; agent: string; startsAt: number; endsAt: number }>;
}

/**
 * Keeps the people-and-teams part of the directory for `ttlMs` (default 2 s), so a burst of
 * commands (a timer drain, a busy inbox) does not reload every user per command. Round-robin
 * cursors and open task counts are never cached. `invalidate()` drops the copy at once (the
 * user routes call it after a change); changes made behind the server's back show within `ttlMs`.
 */
export class DirectoryCache {
  private base: DirectoryBase | undefined;
  private loadedAt = 0;
  private inflight: Promise<DirectoryBase> | undefined;

  constructor(private readonly ttlMs = 2000) {}

  /** Forgets the cached people and teams. */
  invalidate(): void {
    this.base = undefined;
    this.inflight = undefined;
    // A load that started before now must not bring the old copy back.
    this.loadedAt = performance.now();
  }

  /**
   * The people and teams assignment strategies choose from: users by username (positions as
   * roles, own team plus its ancestors, manager username, out-of-office) and teams (parent and
   * manager), reused for `ttlMs`; plus, never cached, the round-robin cursors the version can
   * advance (read `for update` inside the caller's transaction, so two instances never hand out
   * the same turn) and open task counts when the version uses `leastLoaded`. `lock` is whether
   * the caller runs in a transaction (round-robin cursors need one). `now` (the command's
   * instant, epoch ms) picks the delegations (委托) in force: a user with one gets `delegateTo`,
   * so a delegation starts and ends on its own at its bounds.
   */
  async load(trx: Kysely<Database>, version: LoadedVersion, lock: boolean, now: number): Promise<LoadedDirectory> {
    if (!lock && version.roundRobinKeys.length > 0) {
      throw new Error(
        'Round-robin cursors are handed out only inside a transaction that locks them; load the directory with lock = true.',
      );
    }
    return completeDirectory(trx, await this.baseFor(trx, lock, now), version, now);
  }

  private async baseFor(db: Kysely<Database>, inTransaction: boolean, now: number): Promise<DirectoryBase> {
    const started = performance.now();
    if (this.base && started - this.loadedAt <= this.ttlMs) return this.base;
    // A caller inside a transaction loads through it and never waits for another caller's load:
    // that load may need the connection the transaction holds (PGlite has one; a pool can run dry).
    // Callers outside transactions that miss together share one load (no stampede on expiry).
    let loading = inTransaction ? undefined : this.inflight;
    if (!loading) {
      loading = loadDirectoryBase(db, now);
      if (!inTransaction) {
        this.inflight = loading;
        const settle = () => {
          if (this.inflight === loading) this.inflight = undefined;
        };
        loading.then(settle, settle);
      }
    }
    const base = await loading;
    if (started >= this.loadedAt) {
      this.base = base;
      this.loadedAt = started;
    }
    return base;
  }
}

async function loadDirectoryBase(trx: Kysely<Database>, now: number): Promise<DirectoryBase> {
  const users = await trx
    .selectFrom('users')
    .select(['id', 'username', 'positions', 'team_id', 'manager_id', 'out_of_office'])
    .execute();
  const teams = await trx.selectFrom('teams').select(['id', 'key', 'parent_id', 'manager_id']).execute();
  const usernameById = new Map(users.map((u) => [u.id, u.username]));
  const teamById = new Map(teams.map((t) => [t.id, t]));
  // Delegations still running at `now` (those that end later are judged per command).
  const delegations = await trx
    .selectFrom('delegations')
    .select(['user_id', 'agent_id', 'starts_at', 'ends_at'])
    .where('ends_at', '>', new Date(now))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const base: DirectoryBase = { users: {}, teams: {}, userIds: new Map(), delegations: [] };
  for (const d of delegations) {
    const user = usernameById.get(d.user_id);
    const agent = usernameById.get(d.agent_id);
    if (user === undefined || agent === undefined) continue;
    base.delegations.push({ user, agent, startsAt: d.starts_at.getTime(), endsAt: d.ends_at.getTime() });
  }
  for (const team of teams) {
    base.teams[team.key] = {
      parent: team.parent_id === null ? null : (teamById.get(team.parent_id)?.key ?? null),
      manager: team.manager_id === null ? null : (usernameById.get(team.manager_id) ?? null),
    };
  }
  for (const user of users) {
    base.userIds.set(user.username, user.id);
    base.users[user.username] = {
      roles: user.positions,
      teams: teamChain(teamById, user.team_id),
      manager: user.manager_id === null ? null : (usernameById.get(user.manager_id) ?? null),
      outOfOffice: user.out_of_office,
    };
  }
  return base;
}

/**
 * Adds what is never cached: the delegations in force at `now` (`delegateTo`), the version's
 * round-robin cursors (locked) and open task counts.
 */
async function completeDirectory(
  trx: Kysely<Database>,
  base: DirectoryBase,
  version: LoadedVersion,
  now: number,
): Promise<LoadedDirectory> {
  const directory: Directory = { users: base.users, teams: base.teams };
  const active = base.delegations.filter((d) => d.startsAt <= now && now < d.endsAt);
  if (active.length > 0) {
    // Copies, so the cached entries never carry a delegation (the latest set wins an overlap).
    directory.users = { ...base.users };
    for (const d of active) {
      const user = directory.users[d.user];
      if (user) directory.users[d.user] = { ...user, delegateTo: d.agent };
    }
  }
  if (version.roundRobinKeys.length > 0) {
    await trx
      .insertInto('round_robin')
      .values(version.roundRobinKeys.map((key) => ({ key, cursor: 0 })))
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const cursors = await trx
      .selectFrom('round_robin')
      .select(['key', 'cursor'])
      .where('key', 'in', version.roundRobinKeys)
      .orderBy('key')
      .forUpdate()
      .execute();
    directory.cursors = Object.fromEntries(cursors.map((c) => [c.key, c.cursor]));
  }
  if (version.usesLeastLoaded) {
    const counts = await trx
      .selectFrom('tasks')
      .select(['assignee', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', 'in', ['open', 'claimed'])
      .where('assignee', 'is not', null)
      .groupBy('assignee')
      .execute();
    const open = new Map(counts.map((c) => [c.assignee, Number(c.n)]));
    // Copies, so the cached entries never carry counts.
    directory.users = Object.fromEntries(
      Object.entries(directory.users).map(([name, user]) => [name, { ...user, openTasks: open.get(name) ?? 0 }]),
    );
  }
  return { directory, userIds: base.userIds };
}
/** A team's key followed by the keys of its ancestors (at most 32 levels). */
function teamChain(teamById: Map<number, { key: string; parent_id: number | null }>, teamId: number | null): string[] {
  const keys: string[] = [];
  let current = teamId === null ? undefined : teamById.get(teamId);
  for (let i = 0; current && i < 32; i++) {
    keys.push(current.key);
    current = current.parent_id === null ? undefined : teamById.get(current.parent_id);
  }
  return keys;
}
