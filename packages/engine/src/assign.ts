import type { Owner } from '@baton/definition';
import type { Candidates, Directory } from './types.ts';

/** What an owner resolves to: a named assignee and/or candidates who may claim. */
export interface Assignment {
  assignee: string | null;
  candidates: Candidates;
  /** Round-robin cursor to persist, when the strategy advanced one. */
  cursor?: { key: string; value: number };
}

/** Inputs of {@link resolveOwner}. */
export interface AssignmentContext {
  data: Record<string, unknown>;
  initiator: string | null;
  previousAssignee: string | null;
  directory?: Directory | undefined;
}

const empty = (): Candidates => ({ users: [], roles: [], teams: [] });

/**
 * Resolves an owner (user, role, team, initiator, round robin, least loaded, by field, manager
 * of) to an assignee and candidates. Pure: round robin reads its cursor from the directory and
 * returns the advanced cursor for the caller to keep; least loaded reads `openTasks`.
 *
 * Out-of-office: when the pick is a user marked out of office, the owner's `fallback` is used
 * instead (recursively); with no fallback the pick stands, so the work is never lost.
 *
 * @example
 * resolveOwner({ type: 'roundRobin', role: 'sales-rep' }, { data: {}, initiator: null, previousAssignee: null, directory })
 */
export function resolveOwner(owner: Owner, ctx: AssignmentContext, depth = 0): Assignment {
  const result = resolveOnce(owner, ctx, depth);
  const dir = ctx.directory;
  if (owner.fallback && depth < 8) {
    const unavailable =
      (result.assignee !== null && dir?.users[result.assignee]?.outOfOffice === true) ||
      (result.assignee === null && isEmpty(result.candidates)) ||
      (result.assignee === null && dir !== undefined && nobodyAvailable(owner, dir));
    if (unavailable) return resolveOwner(owner.fallback, ctx, depth + 1);
  }
  return result;
}

/** With a directory: whether no one who is in the office could take work offered to a role or team. */
function nobodyAvailable(owner: Owner, dir: Directory): boolean {
  switch (owner.type) {
    case 'role':
    case 'roundRobin':
    case 'leastLoaded':
      return eligible(dir, owner.role, owner.type === 'role' ? undefined : owner.team).length === 0;
    case 'team':
      return !Object.values(dir.users).some((u) => !u.outOfOffice && u.teams.some((t) => isWithin(dir, t, owner.team)));
    default:
      return false;
  }
}

function isEmpty(c: Candidates): boolean {
  return c.users.length === 0 && c.roles.length === 0 && c.teams.length === 0;
}

function resolveOnce(owner: Owner, ctx: AssignmentContext, depth: number): Assignment {
  const dir = ctx.directory;
  switch (owner.type) {
    case 'user':
      return { assignee: owner.user, candidates: empty() };
    case 'role':
      return { assignee: null, candidates: { ...empty(), roles: [owner.role] } };
    case 'team':
      return { assignee: null, candidates: { ...empty(), teams: [owner.team] } };
    case 'initiator':
      return ctx.initiator ? { assignee: ctx.initiator, candidates: empty() } : { assignee: null, candidates: empty() };
    case 'fromField': {
      const value = readPath(ctx.data, owner.field);
      // A name the directory does not know is nobody, so the fallback applies (issue 8).
      const known =
        typeof value === 'string' &&
        value !== '' &&
        (dir === undefined || Object.prototype.hasOwnProperty.call(dir.users, value));
      return known ? { assignee: value, candidates: empty() } : { assignee: null, candidates: empty() };
    }
    case 'roundRobin': {
      const pool = eligible(dir, owner.role, owner.team);
      if (pool.length === 0) return byRole(owner.role, owner.team);
      const key = `rr:${owner.role}:${owner.team ?? '*'}`;
      const cursor = dir?.cursors?.[key] ?? 0;
      return { assignee: pool[cursor % pool.length]!, candidates: empty(), cursor: { key, value: cursor + 1 } };
    }
    case 'leastLoaded': {
      const pool = eligible(dir, owner.role, owner.team);
      if (pool.length === 0) return byRole(owner.role, owner.team);
      let best = pool[0]!;
      for (const id of pool) if ((dir!.users[id]!.openTasks ?? 0) < (dir!.users[best]!.openTasks ?? 0)) best = id;
      return { assignee: best, candidates: empty() };
    }
    case 'byField': {
      const value = readPath(ctx.data, owner.field);
      const key = fieldKey(value);
      const next =
        (key !== undefined && Object.prototype.hasOwnProperty.call(owner.map, key) ? owner.map[key] : undefined) ??
        owner.default;
      if (!next || depth > 8) return { assignee: null, candidates: empty() };
      return resolveOwner(next, ctx, depth + 1);
    }
    case 'managerOf': {
      const of = owner.of === 'initiator' ? ctx.initiator : ctx.previousAssignee;
      const manager = of ? managerOf(dir, of) : null;
      return { assignee: manager, candidates: empty() };
    }
  }
}

function byRole(role: string, team: string | undefined): Assignment {
  return { assignee: null, candidates: { users: [], roles: [role], teams: team ? [team] : [] } };
}

/** Users holding the role (and in the team or below it), not out of office, in id order. */
function eligible(dir: Directory | undefined, role: string, team: string | undefined): string[] {
  if (!dir) return [];
  return Object.keys(dir.users)
    .filter((id) => {
      const u = dir.users[id]!;
      return (
        u.roles.includes(role) && !u.outOfOffice && (team === undefined || u.teams.some((t) => isWithin(dir, t, team)))
      );
    })
    .sort();
}

function isWithin(dir: Directory, team: string, ancestor: string): boolean {
  let current: string | null | undefined = team;
  for (let i = 0; current && i < 32; i++) {
    if (current === ancestor) return true;
    current = dir.teams[current]?.parent;
  }
  return false;
}

/** The user's own manager, else the manager of the nearest team above them that has one. */
export function managerOf(dir: Directory | undefined, user: string): string | null {
  const u = dir?.users[user];
  if (!u || !dir) return null;
  if (u.manager) return u.manager;
  for (const t of u.teams) {
    let current: string | null | undefined = t;
    for (let i = 0; current && i < 32; i++) {
      const m = dir.teams[current]?.manager;
      if (m && m !== user) return m;
      current = dir.teams[current]?.parent;
    }
  }
  return null;
}

/**
 * The `byField` map key a JSON data value selects: its string form, exactly as `String(value)`
 * gives it (a list reads as its elements joined by commas, an object as `[object Object]`); none
 * for a missing value.
 */
function fieldKey(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? value.join(',') : Object.prototype.toString.call(value);
}

/** Reads a dotted path (`customer.territory`) from plain data; own properties only. */
export function readPath(data: unknown, path: string): unknown {
  let current = data;
  for (const seg of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, seg))
      return undefined;
    current = (current as Record<string, unknown>)[seg];
  }
  return current;
}

/** Whether an actor may work on a task with this assignee and these candidates. */
export function isCandidate(
  task: { assignee: string | null; candidates: Candidates },
  actor: { id: string; roles?: readonly string[]; teams?: readonly string[] },
): boolean {
  if (task.assignee !== null) return task.assignee === actor.id;
  const c = task.candidates;
  return (
    c.users.includes(actor.id) ||
    (actor.roles ?? []).some((r) => c.roles.includes(r)) ||
    (actor.teams ?? []).some((t) => c.teams.includes(t))
  );
}
