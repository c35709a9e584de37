import type { Generated, JSONColumnType, Selectable } from 'kysely';
import type { VersionState, VersionStatus } from '@baton/client/contract';

/**
 * The `process_versions` table: numbered versions of a model. Drafts are editable; publishing
 * sets `content_hash` (sha256 of the canonical definition JSON) and makes the row immutable.
 * Unique (model_id, number) and unique (model_id, content_hash) where the hash is set.
 */
export interface ProcessVersionsTable {
  id: Generated<number>;
  model_id: number;
  number: number;
  state: VersionState;
  status: Generated<VersionStatus>;
  definition: JSONColumnType<Record<string, unknown>>;
  content_hash: string | null;
  author_id: number | null;
  notes: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  published_at: Date | null;
}
/** A row of {@link ProcessVersionsTable}. */
export type ProcessVersionRow = Selectable<ProcessVersionsTable>;
