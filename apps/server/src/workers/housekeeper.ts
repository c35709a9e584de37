import { sql } from 'kysely';
import { nowSql } from '../runtime/clock.ts';
import { Poller } from './poller.ts';
import type { Runtime } from '../runtime/runtime.ts';

/** Options of {@link Housekeeper}. */
export interface HousekeeperOptions {
  /** How often to look for expired rows. @default 600000 (10 min) */
  intervalMs?: number;
  /** How long a stored Idempotency-Key answer is replayed. @default 86400000 (24 h) */
  idempotencyTtlMs?: number;
  /** Rows deleted per statement (it runs again at once while batches come back full). @default 1000 */
  batchSize?: number;
}

/**
 * Deletes what has outlived its use: stored `Idempotency-Key` answers older than
 * `idempotencyTtlMs` (a client retrying after that gets the command applied anew, or 409 when
 * it no longer applies). Runs on the workers' connections, in small batches, on the run loop's clock.
 */
export class Housekeeper extends Poller {
  readonly idempotencyTtlMs: number;
  private readonly batchSize: number;

  constructor(
    private readonly runtime: Runtime,
    options: HousekeeperOptions = {},
  ) {
    super({
      database: runtime.database,
      logger: runtime.logger,
      intervalMs: options.intervalMs ?? 600_000,
      name: 'housekeeper',
    });
    this.idempotencyTtlMs = options.idempotencyTtlMs ?? 86_400_000;
    this.batchSize = options.batchSize ?? 1000;
  }

  /** Deletes one batch of expired rows; returns whether the batch was full (more may be expired). */
  async runOnce(): Promise<boolean> {
    const cutoff = sql`${nowSql(this.runtime.clock)} - make_interval(secs => ${this.idempotencyTtlMs / 1000}::double precision)`;
    const result = await sql`
      delete from idempotency_keys where ctid in (
        select ctid from idempotency_keys where created_at < ${cutoff} limit ${this.batchSize})`.execute(
      this.runtime.workerDb,
    );
    return Number(result.numAffectedRows ?? 0) >= this.batchSize;
  }

  protected async release(): Promise<void> {}
}
