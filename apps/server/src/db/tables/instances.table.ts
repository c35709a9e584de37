import type { ColumnType, Generated, JSONColumnType, Selectable } from 'kysely';

/**
 * The `instances` table: one running (or ended) process. `rev` is the optimistic-concurrency
 * counter every state transition checks and bumps. `id` is a uuid (`gen_random_uuid()`), the key
 * every instance-owned table carries as `instance_id`.
 */
export interface InstancesTable {
  id: Generated<string>;
  model_id: number;
  version_id: number;
  status: string;
  business_key: string | null;
  data: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  snapshot: ColumnType<unknown, string, string>;
  initiator_id: number | null;
  team_id: number | null;
  rev: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  ended_at: Date | null;
  /** The user-task nodes entered, in order, joined by `>` (analytics variants). */
  path: ColumnType<string | null, string | null | undefined, string | null>;
  /** The last node entered. */
  end_node: ColumnType<string | null, string | null | undefined, string | null>;
  /** Once ended: its working ms on the process's calendar (null before 2026-12-05: computed when read). */
  cycle_working_ms: ColumnType<number | null, number | null | undefined, number | null>;
}
/** A row of {@link InstancesTable} as the runtime uses it (the analytics facts are read by the reports only). */
export type InstanceRow = Omit<Selectable<InstancesTable>, 'path' | 'end_node' | 'cycle_working_ms'>;
