import { sql } from 'kysely';
import { livePresenceSql } from '../db/database.ts';
import type { InstanceRow } from '../db/schema.ts';
import { type RuntimeClock, nowSql } from '../runtime/clock.ts';
import { Poller } from './poller.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { StaleClaim, TimerNotDue } from './stale-claim.ts';
import { type InstanceRowJson, instanceRowFromJson, timersChannel } from '../runtime/write-step.ts';

/** Options of {@link TimerPoller}. */
export interface TimerPollerOptions {
  /** How often to look for due timers without a NOTIFY. @default 1000 */
  intervalMs?: number;
  /** How long a claim holds a timer before another replica may take it over. @default 30000 */
  leaseMs?: number;
  /** Timers claimed per batch. @default 100 */
  batchSize?: number;
  /** Statements firing timers at once (at most the workers' pool size is useful). @default 8 */
  concurrency?: number;
  /** Timers (of different instances) fired by one statement (two without the claim's copies). @default 16 */
  firePerStatement?: number;
  /**
   * Timers due within this many milliseconds are claimed ahead and fired from memory the moment
   * they fall due, so the claim statement is off their path. 0 claims due timers only. @default 1000
   */
  lookAheadMs?: number;
}

/** A claimed timer row. */
export interface ClaimedTimer {
  id: number;
  instanceId: string;
  key: string;
  /** The engine's timer id (`t3:due`). */
  timer: string;
  /** The fencing token: the row's `attempt` after this claim. */
  attempt: number;
  dueAt: Date;
  /** The instance as the claim read it: a chunk whose instances all come with it fires without a read of its own. */
  instance?: InstanceRow;
}

/** What firing one claimed timer came to; `early` = not due yet on the database clock (nothing happened; fire it later). */
export type FireResult = 'fired' | 'noop' | 'stale' | 'early';

/**
 * Fires due timers exactly once across replicas. A short statement claims a batch
 * (`for update skip locked`, a lease of `leaseMs`, `locked_by`, `attempt + 1`): the timers due
 * now and those due within `lookAheadMs` that nobody holds, whose lease ran out, or whose holder
 * is gone (a process that died: its presence lock, `BatonDatabase.announce`, went with its
 * connection, so a crash delays its claims by a poll, not by the lease). The claim also reads
 * each timer's instance. Claimed timers wait in memory, in due order, and fire the moment they
 * fall due, so under load the claim is not on their path.
 *
 * Timers of different instances fire in chunks, up to `concurrency` chunks at once; one
 * instance's timers fire one after the other, in due order ({@link Runtime.fireTimers}). A chunk
 * whose copies are current costs one statement: the engine steps `fireTimer` on each copy (a
 * cancelled timer is a no-op) and the write applies each step only while its instance's rev is
 * unchanged, its claim holds (`locked_by` = this process and `attempt` = the claimed one: a
 * fencing token) and its timer is due on the database clock, marking the row fired. A timer
 * whose write did not apply, or that the engine refused on the copy, fires alone with a read
 * ({@link fire}), which tells a lost claim (nothing happens) from one not yet due (it waits
 * again). A holder whose lease was taken over therefore does nothing, and a timer consumed by
 * one holder is refused to the next. LISTEN `baton_timers` wakes the poller when a transaction
 * schedules a timer due before the next poll. On stop, claims not yet fired are released at once.
 *
 * When a claimed timer falls due is judged on the process clock, corrected by the database
 * clock read with every claim ({@link Runtime.databaseClock}); the estimate errs late, never
 * early, and the write re-checks on the database clock anyway.
 */
export class TimerPoller extends Poller {
  readonly leaseMs: number;
  readonly batchSize: number;
  readonly lookAheadMs: number;
  private readonly concurrency: number;
  private readonly firePerStatement: number;
  private readonly clock: RuntimeClock;
  /** Claimed timers not yet fired, by due time then id. */
  private queue: ClaimedTimer[] = [];
  /** Instances with a chunk in flight (their next timer waits for it). */
  private readonly busy = new Set<string>();
  private readonly inflight = new Set<Promise<void>>();
  private wake: ReturnType<typeof setTimeout> | undefined;
  private lastClaimed = 0;

  constructor(
    private readonly runtime: Runtime,
    options: TimerPollerOptions = {},
  ) {
    super({
      database: runtime.database,
      logger: runtime.logger,
      intervalMs: options.intervalMs ?? 1000,
      channel: timersChannel,
      name: 'timer poller',
    });
    this.leaseMs = options.leaseMs ?? 30_000;
    this.batchSize = options.batchSize ?? 100;
    this.concurrency = options.concurrency ?? 8;
    this.firePerStatement = Math.max(1, options.firePerStatement ?? 16);
    this.lookAheadMs = Math.max(0, options.lookAheadMs ?? 1000);
    this.clock = runtime.clock;
  }

  /**
   * Claims one batch (due now or within `lookAheadMs`) and fires every claimed timer that is due,
   * returning once they are fired; the others fire from memory when they fall due (while the
   * loop runs; else at the next `runOnce`). Returns whether the batch was full (then it runs
   * again at once).
   */
  async runOnce(): Promise<boolean> {
    const claimed = await this.claim(this.batchSize, this.lookAheadMs);
    this.lastClaimed = claimed.length;
    this.enqueue(claimed);
    await this.fireDue(this.estimatedNow());
    return claimed.length >= this.batchSize;
  }

  /** The database clock (with the run loop's offset) as this process estimates it; never ahead of it. */
  private estimatedNow(): number {
    return this.runtime.databaseClock.now() ?? Number.NEGATIVE_INFINITY;
  }

  /** Samples the database clock afresh (after a timer was found early: the estimate ran ahead). */
  private async resampleClock(): Promise<void> {
    const { rows } = await sql<{ db_clock: Date }>`select ${nowSql(this.clock)} as db_clock`.execute(
      this.runtime.workerDb,
    );
    this.runtime.databaseClock.reset(rows[0]!.db_clock.getTime());
  }

  private enqueue(timers: readonly ClaimedTimer[]): void {
    if (timers.length === 0) return;
    const ids = new Set(timers.map((t) => t.id));
    // A timer claimed again (its lease ran out) is there once, with its newer fencing token.
    this.queue = this.queue.filter((t) => !ids.has(t.id)).concat(timers);
    this.queue.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id);
  }

  /** Fires until no claimed timer due at `cutoff` is left waiting (or nothing can be started: stopping, or due later after a clock correction). */
  private async fireDue(cutoff: number): Promise<void> {
    for (;;) {
      this.pump();
      const waiting = this.queue.some((t) => t.dueAt.getTime() <= cutoff);
      if (this.inflight.size === 0) return;
      if (!waiting) {
        await Promise.all(this.inflight);
        if (!this.queue.some((t) => t.dueAt.getTime() <= cutoff)) return;
      } else {
        await Promise.race(this.inflight);
      }
    }
  }

  /**
   * Starts chunks of due timers on the free lanes: the first waiting timer of each instance
   * without one in flight, spread over the lanes, up to `firePerStatement` per chunk. Then sets
   * the wake-up for the next timer to fall due (while the loop runs).
   */
  private pump(): void {
    if (this.stopping) return;
    const now = this.estimatedNow();
    const free = this.concurrency - this.inflight.size;
    if (free > 0) {
      const due: ClaimedTimer[] = [];
      const taken = new Set<string>();
      for (const timer of this.queue) {
        if (timer.dueAt.getTime() > now) break;
        if (this.busy.has(timer.instanceId) || taken.has(timer.instanceId)) continue;
        taken.add(timer.instanceId);
        due.push(timer);
      }
      if (due.length > 0) {
        const size = Math.min(this.firePerStatement, Math.max(1, Math.ceil(due.length / free)));
        const started = new Set<number>();
        for (let i = 0, lanes = free; i < due.length && lanes > 0; i += size, lanes--) {
          const chunk = due.slice(i, i + size);
          for (const timer of chunk) {
            started.add(timer.id);
            this.busy.add(timer.instanceId);
          }
          const done: Promise<void> = this.fireIsolated(chunk).finally(() => {
            for (const timer of chunk) this.busy.delete(timer.instanceId);
            this.inflight.delete(done);
            this.pump();
          });
          this.inflight.add(done);
        }
        this.queue = this.queue.filter((t) => !started.has(t.id));
      }
    }
    this.armWake(now);
  }

  /** Wakes the pump when the earliest waiting timer falls due (only while the loop runs: `runOnce` alone fires what is due). */
  private armWake(now: number): void {
    if (this.wake !== undefined) clearTimeout(this.wake);
    this.wake = undefined;
    const next = this.queue.find((t) => t.dueAt.getTime() > now);
    if (!next || !this.isStarted || this.stopping) return;
    this.wake = setTimeout(() => {
      this.wake = undefined;
      this.pump();
    }, next.dueAt.getTime() - now);
    this.wake.unref();
  }

  /**
   * Fires a chunk; if its statement fails, fires each timer of it alone, so one timer whose
   * firing fails (a corrupt row, a bug) holds up only itself: it stays claimed and is tried again
   * when its lease runs out, and the error is logged with its key.
   */
  private async fireIsolated(chunk: readonly ClaimedTimer[]): Promise<void> {
    try {
      await this.fireChunk(chunk);
      return;
    } catch (error) {
      if (chunk.length === 1) {
        this.logger.error(
          { err: error, timer: chunk[0]!.key },
          'firing a timer failed; it is tried again when its lease expires',
        );
        return;
      }
    }
    for (const timer of chunk) {
      if (this.stopping) return;
      await this.fireIsolated([timer]);
    }
  }

  /** Fires timers of different instances together ({@link Runtime.fireTimers}); the odd one, and those it hands back, alone. */
  private async fireChunk(chunk: readonly ClaimedTimer[]): Promise<void> {
    const results = chunk.length === 1 ? ['single' as const] : await this.runtime.fireTimers(chunk);
    const early: ClaimedTimer[] = [];
    for (const [i, result] of results.entries()) {
      const timer = chunk[i]!;
      const fired =
        result === 'single' ? await this.fire(timer) : result === 'refused' ? await this.markSpent(timer) : result;
      if (fired === 'early') early.push(timer);
    }
    if (early.length > 0) {
      // The database clock had not reached their due time: the estimate ran ahead (the system
      // clock was stepped). Sample afresh and let them wait again.
      await this.resampleClock();
      this.enqueue(early);
    }
  }

  /**
   * When to claim next: after a batch, in half the look-ahead (the timers due by then are
   * claimed with time to spare); after an empty one, when the earliest unclaimed timer comes
   * within the look-ahead.
   */
  protected override async nextDueInMs(): Promise<number | undefined> {
    if (this.lastClaimed > 0) return Math.floor(this.lookAheadMs / 2);
    const now = nowSql(this.clock);
    const { rows } = await sql<{ ms: number | null }>`
      select (extract(epoch from (min(due_at) - ${now})) * 1000)::float8 as ms from timers
      where fired_at is null and (lease_until is null or lease_until < ${now})`.execute(this.runtime.workerDb);
    const ms = rows[0]?.ms;
    return ms === null || ms === undefined ? undefined : Math.ceil(Number(ms)) - this.lookAheadMs;
  }

  /**
   * Claims up to `limit` unclaimed (or expired) timers due now or within `aheadMs`, in due order,
   * for this process; with them it reads the database clock ({@link Runtime.databaseClock}).
   */
  async claim(limit = this.batchSize, aheadMs = 0): Promise<ClaimedTimer[]> {
    await this.runtime.announce();
    const now = nowSql(this.clock);
    // Free: never claimed, its lease ran out, or its holder is gone (holds no presence lock:
    // the process died and PostgreSQL dropped its connection).
    const { rows } = await sql<{
      id: number;
      instance_id: string;
      key: string;
      payload: { timer?: string };
      attempt: number;
      due_at: Date;
      db_clock: Date;
      instance: InstanceRowJson | null;
    }>`
      with alive as materialized (${livePresenceSql}),
      claimed as (
        update timers set lease_until = ${now} + make_interval(secs => ${this.leaseMs / 1000}::double precision),
                          locked_by = ${this.runtime.workerId}, attempt = attempt + 1
        where id in (
          select id from timers
          where fired_at is null and due_at <= ${now} + make_interval(secs => ${aheadMs / 1000}::double precision)
            and (lease_until is null or lease_until < ${now} or hashtext(locked_by)::oid not in (select objid from alive))
          order by due_at
          limit ${limit}
          for update skip locked)
        returning id, instance_id, key, payload, attempt, due_at)
      select c.*, ${now} as db_clock, row_to_json(i) as instance
      from claimed c left join instances i on i.id = c.instance_id`.execute(this.runtime.workerDb);
    const answered = Date.now();
    if (rows.length > 0) {
      // Read before the answer arrived: the sample is at most the true difference (so never early).
      this.runtime.databaseClock.note(rows[0]!.db_clock.getTime(), { answeredAt: answered });
    }
    return rows
      .map((r) => ({
        id: r.id,
        instanceId: r.instance_id,
        key: r.key,
        timer: r.payload.timer ?? r.key.slice(r.instance_id.length + 1),
        attempt: r.attempt,
        dueAt: r.due_at,
        ...(r.instance ? { instance: instanceRowFromJson(r.instance) } : {}),
      }))
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id);
  }

  /**
   * Fires one claimed timer (see the class description). `stale` when the claim no longer holds
   * (taken over, cancelled, or already fired), `noop` when the engine had nothing to do
   * (the timer was cancelled in the snapshot or the instance has ended), `early` when it is not
   * due yet on the database clock (nothing happened), else `fired`.
   */
  async fire(timer: ClaimedTimer): Promise<FireResult> {
    let result;
    try {
      // Applied: the write marks the row fired in the same statement. A stale claim is caught by
      // the read (StaleClaim) and changes nothing.
      result = await this.runtime.runCommand<true>(
        timer.instanceId,
        { type: 'fireTimer', timer: timer.timer },
        { fencedTimer: timer, respond: () => true, background: true },
      );
    } catch (error) {
      if (error instanceof StaleClaim) return 'stale';
      if (error instanceof TimerNotDue) return 'early';
      throw error;
    }
    if (result.kind === 'done' && result.outcome.ok) return 'fired';
    // Refused (cancelled in the snapshot, instance ended) or the instance is gone: mark the row, fenced.
    if (result.kind === 'done' && !result.outcome.ok) {
      this.runtime.noteTimerRefusal(timer.key, result.outcome.error);
    }
    return this.markSpent(timer);
  }

  /** Marks a timer the engine had nothing to do for as fired, fenced: `noop`, or `stale` when the claim no longer holds. */
  private async markSpent(timer: ClaimedTimer): Promise<'noop' | 'stale'> {
    return (await this.runtime.markTimerFired(this.runtime.workerDb, timer)) ? 'noop' : 'stale';
  }

  protected async release(): Promise<void> {
    if (this.wake !== undefined) clearTimeout(this.wake);
    this.wake = undefined;
    await Promise.all(this.inflight);
    this.queue = [];
    await this.runtime.workerDb
      .updateTable('timers')
      .set({ lease_until: null, locked_by: null })
      .where('locked_by', '=', this.runtime.workerId)
      .where('fired_at', 'is', null)
      .execute();
  }
}
