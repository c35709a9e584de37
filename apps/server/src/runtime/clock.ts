import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * The run loop's clock: the database's `clock_timestamp()` plus an offset. The offset is 0 in
 * production; tests move it forward to simulate time (e.g. jump 48 working hours) without
 * sleeping. Every instant the engine sees and every due/lease comparison in SQL goes through it,
 * so the application's own clock never decides anything (docs/reliability.md invariant 1).
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

/** When a clock reading's answer arrived (see {@link DatabaseClockEstimate.note}). */
export interface ClockReadingOptions {
  /** Process time (epoch ms) the statement's answer arrived. @default Date.now() */
  answeredAt?: number;
}

/**
 * The run loop's clock ({@link nowSql}: the database clock plus the offset) as this process
 * estimates it, from the readings of it that statements return anyway. Each reading is taken before its answer arrives, so
 * `reading - answeredAt` is at most the true difference between the two clocks; the estimate
 * uses the largest of the last 16 (the closest), so it errs late by at most a round trip and is
 * never ahead of the database. A reading 250 ms below that proves the others wrong (the process
 * clock was stepped) and replaces them. Used only where a statement re-checks on the database
 * clock: the timer poller's wake-ups, and the instant of a command or a timer chunk that skips
 * its read (its write is guarded by `at between now - 1 s and now`).
 */
export class DatabaseClockEstimate {
  private samples: number[] = [];

  constructor(private readonly clock: RuntimeClock) {}

  /**
   * Notes a reading: `readingMs` = the run loop's "now" ({@link nowSql}) a statement returned,
   * whose answer arrived at process time `answeredAt` (default: now).
   */
  note(readingMs: number, { answeredAt = Date.now() }: ClockReadingOptions = {}): void {
    const sample = this.sampleOf({ readingMs, answeredAt });
    // Far below the others: the estimate was ahead (the process clock was stepped forward). Start afresh.
    if (sample < Math.max(...this.samples) - 250) this.samples = [];
    this.samples.push(sample);
    if (this.samples.length > 16) this.samples.shift();
  }

  /** Forgets every reading but this one (an estimate proved ahead of the database: the system clock was stepped). */
  reset(readingMs: number, { answeredAt = Date.now() }: ClockReadingOptions = {}): void {
    this.samples = [this.sampleOf({ readingMs, answeredAt })];
  }

  /** The estimated run-loop "now" (database clock plus the offset), or undefined before any reading. */
  now(): number | undefined {
    return this.samples.length === 0 ? undefined : Date.now() + Math.max(...this.samples) + this.clock.offsetMs;
  }

  /** Database clock minus process clock, without the offset (which tests move). */
  private sampleOf({ readingMs, answeredAt }: { readingMs: number; answeredAt: number }): number {
    return readingMs - this.clock.offsetMs - answeredAt;
  }
}
