import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * The run loop's clock: the database's `clock_timestamp()` plus an offset. The offset is 0 in
 * production; tests move it forward to simulate time (e.g. jump 48 working hours) without
 * sleeping. Every instant the engine sees and every due/lease comparison in SQL goes through it,
 * so the application's own clock never decides anything (RELIABILITY invariant 1).
 */
export interface RuntimeClock {
  /** Milliseconds added to the database clock. */
  offsetMs: number;
}

/** Creates a {@link RuntimeClock} starting at `offsetMs` (default 0). */
export function createRuntimeClock(offsetMs = 0): RuntimeClock {
  return { offsetMs };
}

/**
 * The SQL expression for "now" on the run loop's clock:
 * `clock_timestamp() + make_interval(secs => offset)`. Use it in every due/lease comparison.
 */
export function nowSql(clock: RuntimeClock): RawBuilder<Date> {
  // make_interval keeps microseconds; the offset travels as a parameter, never as SQL text.
  return sql<Date>`(clock_timestamp() + make_interval(secs => ${clock.offsetMs / 1000}::double precision))`;
}

/**
 * Reads "now" from the database inside the caller's transaction (epoch milliseconds): the
 * instant a step runs at. One helper, so every command uses the same clock.
 */
export async function dbNow(trx: Kysely<Database>, clock: RuntimeClock): Promise<number> {
  const { rows } = await sql<{ now: Date }>`select ${nowSql(clock)} as now`.execute(trx);
  return rows[0]!.now.getTime();
}
