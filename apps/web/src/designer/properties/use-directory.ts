/**
 * The server's users, roles (the business positions users hold), teams and calendars, for the
 * pickers of the properties panel. Loaded once per page through `@baton/client` and shared.
 *
 * @module
 */
import { BatonApiError, type CalendarInfo, type Team, type User } from '@baton/client';
import { useEffect, useState } from 'react';
import { client } from '../../lib/client.ts';

/** What the pickers offer. `error` is an API error code when loading failed (the pickers then take free text). */
export interface Directory {
  users: User[];
  /** Owner roles: every position some user holds, sorted. */
  roles: string[];
  teams: Team[];
  calendars: CalendarInfo[];
  loading: boolean;
  error?: string;
}

/** An empty directory (nothing loaded yet). */
export const emptyDirectory: Directory = { users: [], roles: [], teams: [], calendars: [], loading: true };

/** The owner roles that `users` hold: their positions, deduplicated and sorted. Pure. */
export function toRoles(users: readonly User[]): string[] {
  return [...new Set(users.flatMap((u) => u.positions))].sort();
}

let shared: Promise<Directory> | undefined;

/** Loads the directory (once; a failed load is retried by the next caller). */
export function loadDirectory(): Promise<Directory> {
  shared ??= Promise.all([client.listUsers(), client.listTeams(), client.listCalendars()]).then(
    ([users, teams, calendars]): Directory => ({ users, roles: toRoles(users), teams, calendars, loading: false }),
    (e: unknown): Directory => {
      shared = undefined;
      return { ...emptyDirectory, loading: false, error: e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK' };
    },
  );
  return shared;
}

/** The directory for the pickers; {@link emptyDirectory} while it loads. */
export function useDirectory(): Directory {
  const [directory, setDirectory] = useState<Directory>(emptyDirectory);
  useEffect(() => {
    let live = true;
    void loadDirectory().then((d) => live && setDirectory(d));
    return () => {
      live = false;
    };
  }, []);
  return directory;
}
