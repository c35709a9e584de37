import type { Generated, JSONColumnType, Selectable } from 'kysely';

/**
 * The `events` table: append-only history (audit and analytics). `at` defaults to the database's
 * `clock_timestamp()`. `instance_id` is null only for events outside any instance.
 */
export interface EventsTable {
  id: Generated<number>;
  instance_id: string | null;
  type: string;
  actor_id: number | null;
  /** The actor's username (the engine's user id); null for the system (timers, services). */
  actor: string | null;
  node_id: string | null;
  at: Generated<Date>;
  data: JSONColumnType<Record<string, unknown>, string | undefined, string>;
}
/** A row of {@link EventsTable}. */
export type EventRow = Selectable<EventsTable>;
