import { type Kysely, type Migration, type MigrationResultSet, Migrator } from 'kysely';
import * as initial from './migrations/2026-11-22T00-00-00_initial.ts';
import * as runtime from './migrations/2026-11-22T01-00-00_runtime.ts';
import * as leanTaskIndexes from './migrations/2026-11-22T02-00-00_lean-task-indexes.ts';
import * as leanEventIndexes from './migrations/2026-11-22T03-00-00_lean-event-indexes.ts';
import * as notificationListIndex from './migrations/2026-11-22T04-00-00_notification-list-index.ts';
import * as idempotencyRequestHash from './migrations/2026-12-03T00-00-00_idempotency-request-hash.ts';
import * as taskDeadlineWarning from './migrations/2026-12-03T01-00-00_task-deadline-warning.ts';
import * as replicas from './migrations/2026-12-03T02-00-00_replicas.ts';
import * as approvals from './migrations/2026-12-04T00-00-00_approvals.ts';
import * as taskClaims from './migrations/2026-12-04T20-50-00_task-claims.ts';
import * as opsIndexes from './migrations/2026-12-04T21-40-00_ops-indexes.ts';
import * as migrationsAndCalendarYears from './migrations/2026-12-04T21-50-00_migrations-and-calendar-years.ts';
import * as analyticsFacts from './migrations/2026-12-05T00-00-00_analytics-facts.ts';
import * as analyticsIndexes from './migrations/2026-12-05T10-00-00_analytics-indexes.ts';
import * as stepRollups from './migrations/2026-12-06T00-00-00_step-rollups.ts';

/**
 * Every migration, by ISO-dated name. A static list (no directory scanning), so bundling and
 * `tsx` behave the same. Append new migrations; never edit or rename a released one.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-22T00-00-00_initial': initial,
  '2026-11-22T01-00-00_runtime': runtime,
  '2026-11-22T02-00-00_lean-task-indexes': leanTaskIndexes,
  '2026-11-22T03-00-00_lean-event-indexes': leanEventIndexes,
  '2026-11-22T04-00-00_notification-list-index': notificationListIndex,
  '2026-12-03T00-00-00_idempotency-request-hash': idempotencyRequestHash,
  '2026-12-03T01-00-00_task-deadline-warning': taskDeadlineWarning,
  '2026-12-03T02-00-00_replicas': replicas,
  '2026-12-04T00-00-00_approvals': approvals,
  '2026-12-04T20-50-00_task-claims': taskClaims,
  '2026-12-04T21-40-00_ops-indexes': opsIndexes,
  '2026-12-04T21-50-00_migrations-and-calendar-years': migrationsAndCalendarYears,
  '2026-12-05T00-00-00_analytics-facts': analyticsFacts,
  '2026-12-05T10-00-00_analytics-indexes': analyticsIndexes,
  '2026-12-06T00-00-00_step-rollups': stepRollups,
};

/**
 * Brings the schema up to date with kysely's Migrator (which takes a lock, so replicas starting
 * together migrate once).
 *
 * @throws Error naming the failed migration and the cause.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(
      `Database migration ${failed ? `"${failed.migrationName}" ` : ''}failed: ${result.error instanceof Error ? result.error.message : JSON.stringify(result.error)}. The schema is left at the last successful migration; fix the cause and restart.`,
      { cause: result.error },
    );
  }
  return result;
}
