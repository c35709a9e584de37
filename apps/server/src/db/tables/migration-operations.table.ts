import type { MigrationBlocked } from '@baton/client/contract';
import type { Generated, JSONColumnType, Selectable } from 'kysely';

/** One instance a migration could not move: where it is, and why. */
export type MigrationFailureRecord = MigrationBlocked;

/** `migration_operations`: a migration of running instances between two versions, with its progress. */
export interface MigrationOperationsTable {
  id: Generated<number>;
  model_id: number;
  from_version_id: number;
  to_version_id: number;
  mapping: JSONColumnType<Record<string, string>, string, string>;
  instance_ids: JSONColumnType<string[], string, string>;
  status: Generated<'running' | 'completed' | 'failed'>;
  total: number;
  migrated: Generated<number>;
  failed: Generated<number>;
  failures: JSONColumnType<MigrationFailureRecord[], string | undefined, string>;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  finished_at: Date | null;
}
export type MigrationOperationRow = Selectable<MigrationOperationsTable>;
