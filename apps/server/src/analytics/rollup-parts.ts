/**
 * The parts of a model's history the step rollups are kept by (see `step-rollups.ts`): one
 * version, one team (`team_key`, 0 for none) and one start month. Shared by the writers that
 * unsettle a part (the run loop's step write, a migration) and the refresher.
 *
 * @module
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../db/schema.ts';

/** The part's month of an instant: the first day of its UTC month (a `date`). */
export function rollupMonthSql(instant: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(date_trunc('month', ${instant} at time zone 'UTC'))::date`;
}

/**
 * Marks the parts of the given instances unsettled (every instance when none is named: after rows
 * were written around the run loop, such as an import or the benchmark's copies).
 */
export async function markUnsettled(db: Kysely<Database>, instanceId?: string): Promise<void> {
  const which = instanceId === undefined ? sql`` : sql` where id = ${instanceId}`;
  await sql`insert into analytics_changes (model_id, version_id, team_key, month)
    select distinct model_id, version_id, coalesce(team_id, 0), ${rollupMonthSql(sql`created_at`)} from instances${which}`.execute(
    db,
  );
}
