import type { BatonDatabase } from '../db/database.ts';
import type { RuntimeLogger } from '../runtime/runtime.ts';

/** What every {@link Poller} is built with. */
export interface PollerOptions {
  database: BatonDatabase;
  logger: RuntimeLogger;
  /** The poll interval in milliseconds. */
  intervalMs: number;
  /** A NOTIFY channel that wakes the loop; none = it wakes on its interval and on `kick()` only. */
  channel?: string;
  /** The worker's name in log lines (`timer poller`). */
  name: string;
}

/**
 * The loop shared by the timer poller and the outbox worker: run a batch, then wait
 * `intervalMs` (or run again at once when the batch was full, or when `kick()` or a NOTIFY on
 * `channel` asks). `stop()` ends the loop, waits for the batch in flight and calls `release()`.
 */
export abstract class Poller {
  private started = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private unlisten: (() => Promise<void>) | undefined;
  /** Set by `stop()`: a batch in flight skips the items it has not started (their claims are released). */
  protected stopping = false;

  protected readonly database: BatonDatabase;
  protected readonly logger: RuntimeLogger;
  /** The poll interval in milliseconds. */
  readonly intervalMs: number;
  private readonly channel: string | undefined;
  private readonly name: string;

  protected constructor(options: PollerOptions) {
    this.database = options.database;
    this.logger = options.logger;
    this.intervalMs = options.intervalMs;
    this.channel = options.channel;
    this.name = options.name;
  }

  /** Handles one batch; returns whether a full batch was handled (more may be waiting). */
  abstract runOnce(): Promise<boolean>;
  /** Gives back this process's claims (called by `stop`). */
  protected abstract release(): Promise<void>;
  /** How soon the next piece of work falls due, when sooner than the interval (ms); undefined = not known. */
  protected async nextDueInMs(): Promise<number | undefined> {
    return undefined;
  }

  /** Whether the loop is running. */
  get isStarted(): boolean {
    return this.started;
  }

  /** Starts the loop (and the LISTEN wake-up); a no-op when already started. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    if (this.channel) this.unlisten = await this.database.listen(this.channel, () => this.kick());
    this.schedule(0);
  }

  /** Runs a batch soon (after the one in flight, if any). Ignored while stopped. */
  kick(): void {
    if (!this.started) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Stops the loop, waits for the batch in flight and releases claims. Idempotent. */
  async stop(): Promise<void> {
    this.started = false;
    this.stopping = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    if (this.unlisten) {
      await this.unlisten().catch(() => {});
      this.unlisten = undefined;
    }
    // Claims taken by runOnce() without start() (tests) are released too.
    await this.release().catch((error: unknown) =>
      this.logger.warn(
        { err: error, worker: this.name },
        'could not release claims on stop; they expire with their lease',
      ),
    );
    this.stopping = false;
  }

  private schedule(delayMs: number): void {
    if (!this.started) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), delayMs);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    if (!this.started || this.running) return;
    let delay = this.intervalMs;
    this.running = this.runOnce()
      .then(async (more) => {
        if (more) delay = 0;
        else {
          const due = await this.nextDueInMs();
          if (due !== undefined) delay = Math.max(0, Math.min(this.intervalMs, due));
        }
      })
      .catch((error: unknown) => {
        this.logger.error(
          { err: error, worker: this.name },
          `${this.name} batch failed; retrying after the poll interval`,
        );
      })
      .finally(() => {
        this.running = undefined;
        const now = this.again;
        this.again = false;
        this.schedule(now ? 0 : delay);
      });
  }
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(lanes);
}
