import type { Generated, JSONColumnType, Selectable } from 'kysely';
import type { Cohort } from '@baton/client/contract';

/** The `deployments` table: a published version offered to a cohort; active while `ended_at` is null. */
export interface DeploymentsTable {
  id: Generated<number>;
  model_id: number;
  version_id: number;
  cohort: JSONColumnType<Cohort>;
  created_by: number | null;
  started_at: Generated<Date>;
  ended_at: Date | null;
}
/** A row of {@link DeploymentsTable}. */
export type DeploymentRow = Selectable<DeploymentsTable>;
