import type { Kysely } from 'kysely';
import type { User } from '@baton/client/contract';
import type { Actor } from '@baton/engine';
import type { Database } from '../db/schema.ts';
import { findTeamKeysWithAncestors } from '../users/user-repository.ts';

/** The logged-in user as the run loop and the visibility rules see them. */
export interface Viewer {
  user: User;
  username: string;
  /** Business positions. */
  positions: string[];
  /** The user's team and its ancestors. */
  teamKeys: string[];
  /** Admins and operators may act on any task (engine `privileged`). */
  privileged: boolean;
  /** Admins, owners and operators see every instance and task. */
  seesAll: boolean;
}

/** Loads the {@link Viewer} of a user (one query for the team chain). */
export async function loadViewer(db: Kysely<Database>, user: User): Promise<Viewer> {
  const teamKeys = await findTeamKeysWithAncestors(db, user.teamId);
  const has = (role: string) => (user.roles as string[]).includes(role);
  return {
    user,
    username: user.username,
    positions: user.positions,
    teamKeys,
    privileged: has('admin') || has('operator'),
    seesAll: has('admin') || has('operator') || has('owner'),
  };
}

/** The engine actor of a viewer: username, positions as roles, team keys with ancestors. */
export function toActor(viewer: Viewer): Actor {
  return { id: viewer.username, roles: viewer.positions, teams: viewer.teamKeys, privileged: viewer.privileged };
}
