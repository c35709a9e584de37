import type { SignerSource, Signers } from '@baton/definition';
import { managerOf, readPath } from './assign.ts';
import type { Directory } from './types.ts';

/** Most signers (or multi-instance elements) one step may have. */
export const MAX_SIGNERS = 500;

/** Inputs of {@link resolveSigners}. */
export interface SignerContext {
  data: Record<string, unknown>;
  initiator: string | null;
  previousAssignee: string | null;
  directory?: Directory | undefined;
}

/**
 * Expands a step's signer sources to user ids, in source order, each user once. Roles and teams
 * are expanded through the directory (without one they give nobody); members out of office with
 * no agent (`delegateTo`) are left out, since their tasks would wait for them. A field may hold
 * one user id or a list; with a directory, names it does not know are dropped. `managers` walks
 * the chain up from the initiator or the previous assignee, nearest first, up to `levels`.
 */
export function resolveSigners(sources: readonly SignerSource[], ctx: SignerContext): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const dir = ctx.directory;
  const add = (id: unknown, known = false): void => {
    if (typeof id !== 'string' || id === '' || seen.has(id)) return;
    if (!known && dir && !Object.prototype.hasOwnProperty.call(dir.users, id)) return;
    seen.add(id);
    out.push(id);
  };
  const available = (id: string): boolean => {
    const u = dir?.users[id];
    return !!u && (!u.outOfOffice || !!u.delegateTo);
  };
  for (const source of sources) {
    switch (source.type) {
      case 'users':
        for (const u of source.users) add(u, true);
        break;
      case 'initiator':
        if (ctx.initiator) add(ctx.initiator);
        break;
      case 'field': {
        const value = readPath(ctx.data, source.field);
        if (Array.isArray(value)) for (const v of value) add(v);
        else add(value);
        break;
      }
      case 'role':
        if (!dir) break;
        for (const id of Object.keys(dir.users).sort()) {
          const u = dir.users[id]!;
          if (!u.roles.includes(source.role) || !available(id)) continue;
          if (source.team !== undefined && !u.teams.some((t) => isWithin(dir, t, source.team!))) continue;
          add(id);
        }
        break;
      case 'team':
        if (!dir) break;
        for (const id of Object.keys(dir.users).sort()) {
          const u = dir.users[id]!;
          if (available(id) && u.teams.some((t) => isWithin(dir, t, source.team))) add(id);
        }
        break;
      case 'managers': {
        let current = source.of === 'initiator' ? ctx.initiator : ctx.previousAssignee;
        const chain = new Set<string>(current ? [current] : []);
        for (let level = 0; current && level < source.levels; level++) {
          const m = managerOf(dir, current);
          if (!m || chain.has(m)) break;
          chain.add(m);
          add(m, true); // managers come from the directory itself
          current = m;
        }
        break;
      }
    }
    if (out.length > MAX_SIGNERS) break;
  }
  return out;
}

function isWithin(dir: Directory, team: string, ancestor: string): boolean {
  let current: string | null | undefined = team;
  for (let i = 0; current && i < 32; i++) {
    if (current === ancestor) return true;
    current = dir.teams[current]?.parent;
  }
  return false;
}

/**
 * Approvals a step of `n` signers needs: all of them (`all`, `sequence`), one (`any`), or the
 * threshold (a count capped at n; at least a share, ceil(share × n); more than a share,
 * floor(share × n) + 1), never less than 1 nor more than n.
 */
export function neededApprovals(signers: Signers, n: number): number {
  const policy = signers.policy ?? 'all';
  if (n <= 0) return 0;
  if (policy === 'any') return 1;
  if (policy !== 'threshold' || !signers.threshold) return n;
  const t = signers.threshold;
  let needed: number;
  if ('count' in t) needed = t.count;
  else if ('atLeast' in t) needed = Math.ceil(t.atLeast * n - 1e-9);
  else needed = Math.floor(t.moreThan * n + 1e-9) + 1;
  return Math.min(n, Math.max(1, needed));
}
