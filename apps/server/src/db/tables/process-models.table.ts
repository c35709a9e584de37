import type { Generated, JSONColumnType, Selectable } from 'kysely';
import type { LocalizedText } from '@baton/client/contract';

/** The `process_models` table: one row per process key (e.g. `lead-to-contract`). */
export interface ProcessModelsTable {
  id: Generated<number>;
  key: string;
  name: JSONColumnType<LocalizedText>;
  created_by: number | null;
  created_at: Generated<Date>;
}
/** A row of {@link ProcessModelsTable}. */
export type ProcessModelRow = Selectable<ProcessModelsTable>;
