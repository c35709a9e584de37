import type { Generated, JSONColumnType, Selectable } from 'kysely';
import type { LocalizedText } from '@baton/client/contract';

/** The `teams` table: a tree (`parent_id`) with an optional manager. */
export interface TeamsTable {
  id: Generated<number>;
  key: string;
  name: JSONColumnType<LocalizedText>;
  parent_id: number | null;
  manager_id: number | null;
  created_at: Generated<Date>;
}
/** A row of {@link TeamsTable}. */
export type TeamRow = Selectable<TeamsTable>;
