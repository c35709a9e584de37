import { sql } from 'kysely';
import { type RuntimeClock, nowSql } from './clock.ts';
import { timersChannel } from './write-step.ts';
import { Poller, forEachLimited } from './poller.ts';
import type { Runtime } from './runtime.ts';
import { StaleClaim } from './stale-claim.ts';

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
  /** Timers (of different instances) fired by one read and one write statement. @default 16 */
  firePerStatement?: number;
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
}

/** What firing one claimed timer came to. */
export type FireResult = 'fired' | 'noop' | 'stale';

/**
 * Fires due timers exactly once across replicas. A short transaction claims a batch
 * (`for update skip locked`, a lease of `leaseMs`, `locked_by`, `attempt + 1`); each timer then
 * fires through the run loop: the read checks that the claim still holds (`locked_by` = this
 * process and `attempt` = the claimed one: a fencing token; else nothing happens), the engine
 * steps `fireTimer` (a cancelled timer is a no-op) and the write marks the row fired in the same
 * statement as the step, guarded by the instance's rev. A holder whose lease was taken over
 * therefore does nothing, and a timer consumed by one holder is refused to the next. Timers of
 * different instances are fired in chunks: one read and one write statement (one commit) per
 * chunk ({@link Runtime.fireTimers}). LISTEN `baton_timers` wakes it when a transaction schedules a
 * timer due before the next poll. On stop, claims not yet fired are released at once.
 */
export class TimerPoller extends Poller {
  readonly leaseMs: number;
  readonly batchSize: number;
  private readonly concurrency: number;
  private readonly firePerStatement: number;
  private readonly clock: RuntimeClock;

  constructor(
    private readonly runtime: Runtime,
    options: TimerPollerOptions = {},
  ) {
    super(runtime.database, runtime.logger, options.intervalMs ?? 1000, timersChannel, 'timer poller');
    this.leaseMs = options.leaseMs ?? 30_000;
    this.batchSize = options.batchSize ?? 100;
    this.concurrency = options.concurrency ?? 8;
    this.firePerStatement = Math.max(1, options.firePerStatement ?? 16);
    this.clock = runtime.clock;
  }

  /**
   * Claims one batch of due timers and fires them: the timers of one instance one after the
   * other in due order (so a reminder fires before the reassignment due after it), different
   * instances in parallel. Returns whether it claimed anything (then it runs again at once).
   */
  async runOnce(): Promise<boolean> {
    const claimed = await this.claim();
    const byInstance = new Map<string, ClaimedTimer[]>();
    for (const timer of claimed) {
      const list = byInstance.get(timer.instanceId);
      if (list) list.push(timer);
      else byInstance.set(timer.instanceId, [timer]);
    }
    // Round r fires the r-th timer of every instance (so one instance's timers keep their due
    // order), in chunks of `firePerStatement` instances written by one statement each.
    const queues = [...byInstance.values()];
    for (let round = 0; !this.stopping; round++) {
      const due = queues.flatMap((timers) => (timers[round] ? [timers[round]!] : []));
      if (due.length === 0) break;
      // Spread over the lanes first; up to `firePerStatement` per statement when there are many.
      const size = Math.min(this.firePerStatement, Math.max(1, Math.ceil(due.length / this.concurrency)));
      const chunks: ClaimedTimer[][] = [];
      for (let i = 0; i < due.length; i += size) chunks.push(due.slice(i, i + size));
      await forEachLimited(chunks, this.concurrency, async (chunk) => {
        if (this.stopping) return; // released by stop()
        try {
          await this.fireChunk(chunk);
        } catch (error) {
          this.logger.error({ err: error, timers: chunk.length }, 'firing a batch of timers failed; they are retried when their lease expires');
        }
      });
    }
    // Anything claimed means timers are coming due now: look again at once rather than asking
    // when the next one is due (under a steady stream that question costs a statement per round).
    return claimed.length > 0;
  }

  /** Fires timers of different instances with one read and one write ({@link Runtime.fireTimers}); the odd one alone. */
  private async fireChunk(chunk: readonly ClaimedTimer[]): Promise<void> {
    const results = chunk.length === 1 ? ['single' as const] : await this.runtime.fireTimers(chunk);
    for (const [i, result] of results.entries()) {
      const timer = chunk[i]!;
      if (result === 'single') await this.fire(timer);
      else if (result === 'refused') await this.runtime.markTimerFired(this.runtime.workerDb, timer);
    }
  }

  /** Milliseconds until the earliest pending, unclaimed timer is due (so the loop wakes for it). */
  protected override async nextDueInMs(): Promise<number | undefined> {
    const now = nowSql(this.clock);
    const { rows } = await sql<{ ms: number | null }>`
      select (extract(epoch from (min(due_at) - ${now})) * 1000)::float8 as ms from timers
      where fired_at is null and (lease_until is null or lease_until < ${now})`.execute(this.runtime.workerDb);
    const ms = rows[0]?.ms;
    return ms === null || ms === undefined ? undefined : Math.ceil(Number(ms));
  }

  /** Claims up to `batchSize` due, unclaimed (or expired) timers for this process. */
  async claim(limit = this.batchSize): Promise<ClaimedTimer[]> {
    const now = nowSql(this.clock);
    const { rows } = await sql<{ id: number; instance_id: string; key: string; payload: { timer?: string }; attempt: number; due_at: Date }>`
      update timers set lease_until = ${now} + make_interval(secs => ${this.leaseMs / 1000}::double precision),
                        locked_by = ${this.runtime.workerId}, attempt = attempt + 1
      where id in (
        select id from timers
        where fired_at is null and due_at <= ${now} and (lease_until is null or lease_until < ${now})
        order by due_at
        limit ${limit}
        for update skip locked)
      returning id, instance_id, key, payload, attempt, due_at`.execute(this.runtime.workerDb);
    return rows
      .map((r) => ({ id: r.id, instanceId: r.instance_id, key: r.key, timer: r.payload.timer ?? r.key.slice(r.instance_id.length + 1), attempt: r.attempt, dueAt: r.due_at }))
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id);
  }

  /**
   * Fires one claimed timer (see the class description). `stale` when the claim no longer holds
   * (taken over, cancelled, or already fired), `noop` when the engine had nothing to do
   * (the timer was cancelled in the snapshot or the instance has ended), else `fired`.
   */
  async fire(timer: ClaimedTimer): Promise<FireResult> {
    let result;
    try {
      // Applied: the write marks the row fired in the same statement. A stale claim is caught by
      // the read (StaleClaim) and changes nothing.
      result = await this.runtime.runCommand<true>(timer.instanceId, { type: 'fireTimer', timer: timer.timer }, { fencedTimer: timer, respond: () => true, background: true });
    } catch (error) {
      if (error instanceof StaleClaim) return 'stale';
      throw error;
    }
    if (result.kind === 'done' && result.outcome.ok) return 'fired';
    // Refused (cancelled in the snapshot, instance ended) or the instance is gone: mark the row, fenced.
    if (result.kind === 'done' && !result.outcome.ok) {
      this.runtime.noteTimerRefusal(timer.key, result.outcome.error);
    }
    return (await this.runtime.markTimerFired(this.runtime.workerDb, timer)) ? 'noop' : 'stale';
  }

  protected async release(): Promise<void> {
    await this.runtime.workerDb
      .updateTable('timers')
      .set({ lease_until: null, locked_by: null })
      .where('locked_by', '=', this.runtime.workerId)
      .where('fired_at', 'is', null)
      .execute();
  }
}

