/**
 * The parts of a model's history the step rollups are kept by (see `step-rollups.ts`): one
 * version, one team (`team_key`, 0 for none) and one start month. Shared by the writers that
 * unsettle a part (the run loop's step write, a migration) and the refresher.
 *
 * @module
 */
import { type RawBuilder, sql } from 'kysely';

/** The part's month of an instant: the first day of its UTC month (a `date`). */
export function rollupMonthSql(instant: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(date_trunc('month', ${instant} at time zone 'UTC'))::date`;
}
