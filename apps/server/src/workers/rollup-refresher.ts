import type { CalendarSpec } from '@baton/definition';
import { refreshStepRollups } from '../analytics/step-rollups.ts';
import { Poller } from './poller.ts';
import type { Runtime } from '../runtime/runtime.ts';

/** Options of {@link RollupRefresher}. */
export interface RollupRefresherOptions {
  /** How often the unsettled parts of the history are settled. @default 30000 (30 s) */
  intervalMs?: number;
  /** Change rows taken per round (it runs again at once while rounds come back full). @default 50000 */
  batchSize?: number;
}

/**
 * Keeps the step rollups settled (see `analytics/step-rollups.ts`): every `intervalMs`, the parts
 * of the history written since the last round are recomputed. Reports are right whether it has
 * run or not (they read unsettled parts from their tasks); it only keeps them fast.
 */
export class RollupRefresher extends Poller {
  private readonly batchSize: number;

  constructor(
    private readonly runtime: Runtime,
    private readonly calendars: readonly CalendarSpec[],
    options: RollupRefresherOptions = {},
  ) {
    super({
      database: runtime.database,
      logger: runtime.logger,
      intervalMs: options.intervalMs ?? 30_000,
      name: 'rollup refresher',
    });
    this.batchSize = options.batchSize ?? 50_000;
  }

  /** Settles one batch of changed parts; returns whether more changes were waiting. */
  async runOnce(): Promise<boolean> {
    const { more } = await refreshStepRollups(this.runtime.workerDb, {
      calendars: this.calendars,
      limit: this.batchSize,
    });
    return more;
  }

  protected async release(): Promise<void> {}
}
