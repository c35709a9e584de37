import type { Kysely } from 'kysely';
import type { User } from '@baton/client/contract';
import type { Database } from '../db/schema.ts';
import { type Viewer, loadViewer } from './viewer.ts';
import { findUserById } from '../users/user-repository.ts';

/** A logged-in user as every request needs them: the account and its {@link Viewer}. */
export interface Session {
  user: User;
  viewer: Viewer;
}

/**
 * The users behind session tokens, kept for `ttlMs` (default 1 s) so a busy client does not
 * cost two lookups per request. Changes made through the API call {@link invalidate} and apply
 * to the next request; changes made behind the server's back (SQL) apply within `ttlMs`, e.g.
 * a deleted user's token stops working within a second. Concurrent misses share one load.
 */
export class SessionCache {
  private readonly entries = new Map<number, { at: number; session: Promise<Session | undefined> }>();

  /** `now` is a monotonic millisecond clock (injectable for tests). */
  constructor(
    private readonly ttlMs = 1000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The session of user `id`, or undefined when there is no such user. */
  get(db: Kysely<Database>, id: number): Promise<Session | undefined> {
    const at = this.now();
    const hit = this.entries.get(id);
    if (hit && at - hit.at <= this.ttlMs) return hit.session;
    const session = loadSession(db, id);
    this.entries.set(id, { at, session });
    // A failed load is not remembered.
    session.catch(() => this.entries.delete(id));
    if (this.entries.size > 10_000) this.entries.delete(this.entries.keys().next().value!);
    return session;
  }

  /** Forgets every cached user (after a change to users or teams). */
  invalidate(): void {
    this.entries.clear();
  }
}

async function loadSession(db: Kysely<Database>, id: number): Promise<Session | undefined> {
  const user = await findUserById(db, id);
  return user && { user, viewer: await loadViewer(db, user) };
}
