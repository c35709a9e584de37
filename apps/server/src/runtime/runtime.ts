import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Kysely, sql } from 'kysely';
import type { CalendarSpec } from '@baton/definition';
import {
  type Command,
  type Effect,
  type EngineError,
  type InstanceSnapshot,
  type MigrationMapping,
  migrateInstance,
  step,
} from '@baton/engine';
import { type BatonDatabase, preparedMarker } from '../db/database.ts';
import { toJsonb } from '../db/json.ts';
import type { Database, InstanceRow } from '../db/schema.ts';
import { ApiError } from '../errors.ts';
import type { InstanceStatus, MigrationProblemInfo, WsPushMessage } from '@baton/client/contract';
import type { Audience, Hub } from '../ws/hub.ts';
import { type ActionRegistry, demoActions } from '../workers/actions.ts';
import {
  type AppliedEffects,
  type InstanceWrite,
  type StepWrite,
  type StepWritten,
  type WriteContext,
  writeStep,
  writeSteps,
} from './write-step.ts';
import { DatabaseClockEstimate, type RuntimeClock, createRuntimeClock, dbNow, nowSql } from './clock.ts';
import { DirectoryCache } from './directory.ts';
import { markUnsettled } from '../analytics/rollup-parts.ts';
import { toUnknownUserIssue } from '../http/engine-errors.ts';
import { InstanceCache } from './instance-cache.ts';
import { WriteBatcher } from './write-batcher.ts';
import { Housekeeper, type HousekeeperOptions } from '../workers/housekeeper.ts';
import { RollupRefresher, type RollupRefresherOptions } from '../workers/rollup-refresher.ts';
import { StaleClaim, TimerNotDue } from '../workers/stale-claim.ts';
import { OutboxWorker, type OutboxWorkerOptions } from '../workers/outbox-worker.ts';
import { type LoadedVersion, ProcessCache } from './process-cache.ts';
import { TimerPoller, type TimerPollerOptions } from '../workers/timer-poller.ts';

/** The log calls the run loop makes (a pino or Fastify logger fits). */
export interface RuntimeLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Options of {@link Runtime}. */
export interface RuntimeOptions {
  database: BatonDatabase;
  hub: Hub;
  logger: RuntimeLogger;
  /** Milliseconds added to the database clock (tests move time forward with it). @default 0 */
  clockOffsetMs?: number;
  /** Named actions automatic tasks of kind `action` call. @default the demo actions */
  actions?: ActionRegistry;
  timers?: TimerPollerOptions;
  outbox?: OutboxWorkerOptions;
  /** How long people and teams are reused between commands (ms). @default 2000 */
  directoryTtlMs?: number;
  /** Expiry of stored Idempotency-Key answers and how often it is enforced. */
  housekeeping?: HousekeeperOptions;
  /** Business calendars besides (or replacing) the shipped ones (`CALENDARS_DIR`). @default [] */
  calendars?: readonly CalendarSpec[];
  /** How often the step rollups of the analytics are settled. */
  rollups?: RollupRefresherOptions;
}

/** A step that the engine applied, after its writes. */
export interface AppliedOutcome {
  ok: true;
  /** The instance row as the step left it. */
  instance: InstanceRow;
  version: LoadedVersion;
  now: number;
  effects: Effect[];
  /** Task row ids by task key: every task the step touched, every task still open. */
  taskIds: ReadonlyMap<string, number>;
}

/** A command the engine refused; nothing was written by the step. */
export interface RejectedOutcome {
  ok: false;
  error: EngineError;
  instance: InstanceRow;
  version: LoadedVersion;
  now: number;
}

/** What a command came to: applied or refused by the engine. */
export type CommandOutcome = AppliedOutcome | RejectedOutcome;

/** What a command builder sees: the instance row, its snapshot and its compiled version. */
export interface CommandContext {
  instance: InstanceRow;
  snapshot: InstanceSnapshot;
  version: LoadedVersion;
  /** The key of the task the command was addressed to (a {@link CommandTarget} with `taskId`). */
  taskKey?: string;
}

/** Which instance a command goes to: by id, or by one of its tasks (the task's key is then in the context). */
export type CommandTarget = { instanceId: string } | { taskId: number };

/**
 * Options of {@link Runtime.runCommand}. `before`, `finish` and `fencedTimer` run the command
 * inside a transaction that locks the instance row; without them the command runs without one
 * (see {@link Runtime.runCommand}).
 */
export interface RunCommandOptions<R> {
  /**
   * Runs right after the instance row is locked, before the step. Returning a value ends the
   * command there (nothing is stepped or written by the run loop) and that value is returned:
   * used for fencing (a stale outbox claim) and idempotent replays.
   */
  before?(trx: Kysely<Database>, instance: InstanceRow): Promise<R | undefined>;
  /** Runs after the step and its writes (or after a refusal), in the same transaction. */
  finish?(trx: Kysely<Database>, outcome: CommandOutcome): Promise<R>;
  /** Turns the outcome into the command's value without touching the database (used when there is no `finish`). */
  respond?(outcome: CommandOutcome): R;
  /**
   * A claimed timer this command fires. The read checks that the claim still holds (not fired,
   * `locked_by` = this process, `attempt` = the claimed one) and throws {@link StaleClaim}
   * when it does not ({@link TimerNotDue} when it holds but the database clock has not reached
   * the due time), so a holder whose lease was taken over (or whose timer was rescheduled)
   * changes nothing; the write marks the row fired in the same statement as the step. Exactly
   * once holds even if the claim is lost between the two: the step is guarded by the rev, and a
   * timer the snapshot no longer holds is refused by the engine.
   */
  fencedTimer?: FencedTimer;
  /** Run on the background workers' connections ({@link Runtime.workerDb}) instead of the requests'. */
  background?: boolean;
}

/** A claimed timer row being fired (see {@link RunCommandOptions.fencedTimer}). */
export interface FencedTimer {
  id: number;
  /** The row's key, `<instance>:<timer id>`. */
  key: string;
  /** The fencing token: `attempt` after the claim. */
  attempt: number;
}

/** The result of {@link Runtime.runCommand}. */
export type RunCommandResult<R> =
  { kind: 'done'; outcome: CommandOutcome; value: R | undefined } | { kind: 'skipped'; value: R } | { kind: 'missing' };

/** Hooks of {@link Runtime.startInstance}. `before` or `finish` run it in a transaction. */
export interface StartInstanceOptions<R> {
  before?(trx: Kysely<Database>): Promise<R | undefined>;
  finish?(trx: Kysely<Database>, started: StartedInstance): Promise<R>;
  respond?(started: StartedInstance): R;
}

/** A started instance: its row, version and the ids of the tasks it opened. */
export interface StartedInstance {
  instance: InstanceRow;
  version: LoadedVersion;
  taskIds: ReadonlyMap<string, number>;
}

/** What starting an instance needs. */
export interface StartInstanceInput {
  version: LoadedVersion;
  initiator: { id: number; username: string; teamId: number | null };
  data: Record<string, unknown>;
  businessKey: string | null;
  /** The database clock as read earlier in the same request (epoch ms); read afresh when absent. */
  now?: number;
}

/**
 * SQLSTATEs after which a whole transaction is retried: serialization failure, deadlock, and
 * 58P02 ("could not create directory … File exists"), which PGlite 0.5 on a directory raises
 * now and then the first time a new relation file (e.g. a TOAST table) is written; the retry
 * finds the file in place.
 */
const retryableSqlStates = new Set(['40001', '40P01', '58P02']);
/** How often a transaction is retried after a serialization failure or deadlock. */
export const maxTransactionRetries = 5;
/** How often a command is stepped again after another command changed its instance first. */
export const maxConflictRetries = 20;

/** An instance row and the database clock read by a statement other than the command's own read. */
interface Preloaded {
  row: InstanceRow;
  now: number;
  taskKey: string | undefined;
}

/** What one try of a command works on (see {@link Runtime.runCommand}). */
interface AttemptInput<R> {
  /** Inside a transaction that locks the instance row. */
  locked: boolean;
  target: CommandTarget;
  command: Command | ((context: CommandContext) => Command);
  options: RunCommandOptions<R>;
  /** Whether the cached committed row may stand in for a read. */
  useCache: boolean;
  /** The row and clock a failed write read back: stepped on without a read of its own. */
  preloaded?: Preloaded;
}

type Attempt<R> =
  | { kind: 'result'; result: RunCommandResult<R>; applied?: AppliedEffects }
  /** The rev guard failed: another command changed the instance since it was read (`current`: its row now, when the write read it back). */
  | { kind: 'conflict'; current?: Preloaded }
  /** The version hands out round-robin turns: run again in a transaction that locks the cursors. */
  | { kind: 'lock' }
  /** The engine (or the command's own check) refused the command on a cached copy of the instance: read it again before refusing. */
  | { kind: 'reload' };

/**
 * The run loop. A command reads the instance row and the database clock (one statement), steps
 * the engine, and writes everything the step changed — snapshot, tasks, timers, outbox,
 * notifications, history — as one statement guarded by the row's `rev` (see {@link writeStep}),
 * then publishes websocket messages and kicks the outbox after commit. When the guard fails
 * (another command on the same instance committed in between) nothing was written and the
 * command is read and stepped again, so it sees the winner's snapshot (e.g. `ENG_TASK_NOT_OPEN`).
 * A command on an instance this process wrote last usually skips the read: it steps the cached
 * committed row ({@link InstanceCache}) at the estimated database clock ({@link databaseClock});
 * the write's rev guard catches a copy another process made stale (and then reads the current
 * row back in the same statement, so the command steps again without a read of its own), and
 * the write also refuses an instant ahead of the database clock or more than 1 s behind it;
 * never a wrong write. A refusal judged on a cached copy is read again before it is given.
 * Commands with hooks that must run in the same transaction (timers, outbox deliveries,
 * idempotent replays) and versions that hand out round-robin turns run inside a transaction that
 * locks the instance row instead. The run loop also owns the timer poller and the outbox worker.
 */
export class Runtime {
  readonly clock: RuntimeClock;
  readonly processes: ProcessCache;
  /** People and teams for assignment; call `directory.invalidate()` after changing users or teams. */
  readonly directory: DirectoryCache;
  readonly hub: Hub;
  readonly logger: RuntimeLogger;
  readonly database: BatonDatabase;
  readonly db: Kysely<Database>;
  /** The background workers' connections (see {@link BatonDatabase.workerDb}). */
  readonly workerDb: Kysely<Database>;
  readonly actions: ActionRegistry;
  /** Identifies this process in timer and outbox claims. */
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  /** This process's estimate of the database clock, from the clock readings statements return. */
  readonly databaseClock: DatabaseClockEstimate;
  private announced: Promise<boolean> | undefined;
  readonly timers: TimerPoller;
  readonly outbox: OutboxWorker;
  readonly housekeeper: Housekeeper;
  /** Settles the step rollups the per-step report reads on large histories. */
  readonly rollups: RollupRefresher;
  /** Committed instance rows, on PGlite only (see {@link InstanceCache}). */
  private readonly cache: InstanceCache | undefined;

  constructor(options: RuntimeOptions) {
    this.database = options.database;
    this.db = options.database.db;
    this.workerDb = options.database.workerDb;
    this.hub = options.hub;
    this.logger = options.logger;
    this.clock = createRuntimeClock(options.clockOffsetMs ?? 0);
    this.databaseClock = new DatabaseClockEstimate(this.clock);
    this.directory = new DirectoryCache(options.directoryTtlMs ?? 2000);
    this.processes = new ProcessCache(200, options.calendars ?? []);
    this.actions = options.actions ?? demoActions;
    this.timers = new TimerPoller(this, options.timers);
    this.outbox = new OutboxWorker(this, options.outbox);
    this.housekeeper = new Housekeeper(this, options.housekeeping);
    this.rollups = new RollupRefresher(this, options.calendars ?? [], options.rollups);
    this.cache = new InstanceCache();
  }

  /**
   * Tells the other processes on the database that this one (`workerId`) is alive
   * ({@link BatonDatabase.announce}), once; the timer poller and the outbox worker call it before
   * their first claim, and take over the claims of holders that are not alive.
   */
  announce(): Promise<boolean> {
    this.announced ??= this.database.announce(this.workerId).catch((error: unknown) => {
      this.announced = undefined;
      throw error;
    });
    return this.announced;
  }

  /** Moves the run loop's clock: `offsetMs` is added to the database clock from now on (tests). */
  setClockOffset(offsetMs: number): void {
    this.clock.offsetMs = offsetMs;
  }

  /** Starts the timer poller, the outbox worker (LISTEN plus periodic polling), the housekeeper and the rollup refresher. */
  async startWorkers(): Promise<void> {
    await this.timers.start();
    await this.outbox.start();
    await this.housekeeper.start();
    await this.rollups.start();
  }

  /** Stops the workers, waits for work in flight and releases this process's claims. Idempotent. */
  async stopWorkers(): Promise<void> {
    await Promise.all([this.timers.stop(), this.outbox.stop(), this.housekeeper.stop(), this.rollups.stop()]);
  }

  /**
   * Applies one command to an instance (see the class description). A refused command writes
   * nothing. `command` may be a function of the instance, its snapshot and version (to validate
   * a form against the node it targets); it may throw an `ApiError`, which writes nothing.
   * When other commands keep winning the race for the instance, 409 `API_CONFLICT` after
   * {@link maxConflictRetries} tries.
   */
  async runCommand<R = undefined>(
    target: string | CommandTarget,
    command: Command | ((context: CommandContext) => Command),
    options: RunCommandOptions<R> = {},
  ): Promise<RunCommandResult<R>> {
    const to: CommandTarget = typeof target === 'string' ? { instanceId: target } : target;
    let locked = options.before !== undefined || options.finish !== undefined;
    const root = options.background ? this.workerDb : this.db;
    let fresh = false;
    let preloaded: Preloaded | undefined;
    for (let attempt = 0; ; attempt++) {
      const useCache = !fresh;
      const given = preloaded;
      preloaded = undefined;
      const outcome = await this.withRetries(() =>
        locked
          ? root
              .transaction()
              .execute((trx) => this.attempt(trx, { locked: true, target: to, command, options, useCache: false }))
          : this.attempt(root, {
              locked: false,
              target: to,
              command,
              options,
              useCache,
              ...(given ? { preloaded: given } : {}),
            }),
      );
      if (outcome.kind === 'lock') {
        locked = true;
        continue;
      }
      if (outcome.kind === 'reload') {
        fresh = true;
        continue;
      }
      if (outcome.kind === 'conflict') {
        fresh = true;
        preloaded = outcome.current;
        if (attempt >= maxConflictRetries) {
          throw new ApiError('API_CONFLICT', {
            reason: `the instance kept changing while the command was applied (${attempt + 1} tries); try again`,
          });
        }
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 4 * attempt)));
        continue;
      }
      if (outcome.applied) this.afterCommit(outcome.applied);
      // Committed: remember the row for the next command (PGlite).
      if (this.cache && outcome.result.kind === 'done' && outcome.result.outcome.ok)
        this.cache.put(outcome.result.outcome.instance, outcome.result.outcome.taskIds);
      return outcome.result;
    }
  }

  /** One try of {@link runCommand} (see {@link AttemptInput}). */
  private async attempt<R>(db: Kysely<Database>, input: AttemptInput<R>): Promise<Attempt<R>> {
    const { locked, target, command, options, useCache, preloaded } = input;
    // A cached command takes its instant from the estimate of the database clock (never ahead
    // of it, never before the row's last change); its write re-checks it on the database clock.
    const estimate = this.databaseClock.now();
    const cached =
      useCache && estimate !== undefined && !options.fencedTimer && !options.before
        ? this.cache?.get(target)
        : undefined;
    const found = cached
      ? {
          row: cached.row,
          taskKey: cached.taskKey,
          now: instantAfter(estimate!, cached.row),
          claimHolds: true,
          claimDue: true,
        }
      : preloaded
        ? { ...preloaded, claimHolds: true, claimDue: true }
        : await this.load(db, { target, lock: locked, ...(options.fencedTimer ? { timer: options.fencedTimer } : {}) });
    if (!found) return { kind: 'result', result: { kind: 'missing' } };
    if (!cached && !locked && !options.fencedTimer) this.cache?.put(found.row);
    const { now, taskKey, row } = found;
    if (options.fencedTimer && !found.claimHolds)
      throw new StaleClaim(`timer ${options.fencedTimer.id}: the claim no longer holds`);
    if (options.fencedTimer && !found.claimDue) throw new TimerNotDue(`timer ${options.fencedTimer.id}: not due yet`);
    if (options.before) {
      const early = await options.before(db, row);
      if (early !== undefined) return { kind: 'result', result: { kind: 'skipped', value: early } };
    }
    const version = await this.processes.get(db, row.version_id);
    if (!locked && version.roundRobinKeys.length > 0) return { kind: 'lock' };
    const snapshot = row.snapshot as InstanceSnapshot;
    let cmd: Command;
    try {
      cmd =
        typeof command === 'function'
          ? command({ instance: row, snapshot, version, ...(taskKey !== undefined ? { taskKey } : {}) })
          : command;
    } catch (error) {
      // Judged on a cached copy (e.g. a form checked against a task another process has closed): read it again first.
      if (cached && error instanceof ApiError) return { kind: 'reload' };
      throw error;
    }
    const { directory, userIds } = await this.directory.load(db, version, locked, now);
    const stepped = step(version.process, snapshot, cmd, { now, directory });
    if (!stepped.ok) {
      if (cached) return { kind: 'reload' };
      const outcome: RejectedOutcome = { ok: false, error: stepped.error, instance: row, version, now };
      return { kind: 'result', result: { kind: 'done', outcome, value: await this.valueOf(db, outcome, options) } };
    }
    // Inside a transaction the row is marked first (and the whole step rolls back if the claim
    // was lost meanwhile); without one the write statement marks it.
    if (locked && options.fencedTimer && !(await this.markTimerFired(db, options.fencedTimer))) {
      throw new StaleClaim(`timer ${options.fencedTimer.id}: the claim no longer holds`);
    }
    const next = stepped.snapshot;
    // A cached copy's write reads the current row back if its guard fails (a stale copy costs no extra read).
    let current: Preloaded | undefined;
    const onStale = cached
      ? (stale: { row: InstanceRow; now: number }) => {
          this.databaseClock.note(stale.now);
          current = { ...stale, taskKey };
        }
      : undefined;
    const firedTimer = locked ? undefined : options.fencedTimer;
    const written = await this.write(db, {
      inTransaction: locked,
      step: {
        instanceId: row.id,
        instance: { kind: 'update', rev: row.rev, estimatedInstant: cached !== undefined },
        before: snapshot,
        snapshot: stepped.snapshot,
        effects: stepped.effects,
        now,
        directory,
        userIds,
        process: version.process,
        ...(firedTimer ? { firedTimer: { ...firedTimer, workerId: this.workerId } } : {}),
        ...(onStale ? { onStale } : {}),
      },
    });
    if (!written) {
      // Unreachable while the row lock is held; without it, another command won the race.
      if (locked)
        throw new ApiError('API_CONFLICT', { reason: `instance ${row.id} changed concurrently (rev ${row.rev})` });
      this.cache?.delete(row.id);
      return current ? { kind: 'conflict', current } : { kind: 'conflict' };
    }
    const instance: InstanceRow = {
      ...row,
      rev: written.rev,
      status: written.status,
      updated_at: written.updatedAt,
      ended_at: written.endedAt,
      snapshot: next,
      data: next.data,
    };
    written.applied.messages.push(instanceMessage(instance));
    const outcome: AppliedOutcome = {
      ok: true,
      instance,
      version,
      now,
      effects: stepped.effects,
      taskIds: written.taskIds,
    };
    return {
      kind: 'result',
      result: { kind: 'done', outcome, value: await this.valueOf(db, outcome, options) },
      applied: written.applied,
    };
  }

  private async valueOf<R>(
    db: Kysely<Database>,
    outcome: CommandOutcome,
    options: RunCommandOptions<R>,
  ): Promise<R | undefined> {
    if (options.finish) return options.finish(db, outcome);
    return options.respond?.(outcome);
  }

  /**
   * Reads the instance (by id, or by one of its task ids) and the database clock in one
   * statement; `lock` takes the row lock first (the materialized CTE yields the row only once
   * it is locked, so "now" is never earlier than the previous holder's commit).
   */
  private async load(
    db: Kysely<Database>,
    { target, lock, timer }: { target: CommandTarget; lock: boolean; timer?: FencedTimer },
  ): Promise<
    { row: InstanceRow; now: number; taskKey: string | undefined; claimHolds: boolean; claimDue: boolean } | undefined
  > {
    const from =
      'taskId' in target
        ? sql`select i.*, t.key as task_key from tasks t join instances i on i.id = t.instance_id where t.id = ${target.taskId} ${lock ? sql`for update of i` : sql``}`
        : sql`select i.*, null::text as task_key from instances i where i.id = ${target.instanceId}::uuid ${lock ? sql`for update` : sql``}`;
    const now = nowSql(this.clock);
    // The claim's state: null = lost (fired, taken over, rescheduled), false = holds but not due yet, true = fire.
    const claim = timer
      ? sql`(select due_at <= ${now} from timers where id = ${timer.id} and fired_at is null and locked_by = ${this.workerId} and attempt = ${timer.attempt})`
      : sql`true`;
    const { rows } = await sql<
      InstanceRow & { now: Date; task_key: string | null; claim_due: boolean | null }
    >`${sql.raw(preparedMarker)}
      with found as materialized (${from})
      select found.*, ${now} as now, ${claim} as claim_due from found`.execute(db);
    const found = rows[0];
    if (!found) return undefined;
    const { now: at, task_key, claim_due, ...row } = found;
    this.databaseClock.note(at.getTime());
    return {
      row,
      now: at.getTime(),
      taskKey: task_key ?? undefined,
      claimHolds: claim_due !== null,
      claimDue: claim_due === true,
    };
  }

  /**
   * Fires claimed timers of different instances together (the timer poller's fast path). When
   * every timer comes with the claim's copy of its instance (`instance`), nothing is read: the
   * engine steps each `fireTimer` on the copy at the estimated database clock. Otherwise one
   * statement reads every instance and checks every claim first. Then one statement writes every
   * applied step, each guarded by its own rev and by its claim and due time, each marking its
   * timer row fired — one commit for the batch. Per timer: `fired`; `stale` when the claim no
   * longer holds (nothing happens); `early` when it holds but the timer is not due yet on the
   * database clock (nothing happens); `refused` when the engine had nothing to do or the instance
   * is gone (the caller marks the row); `single` when it must be fired on its own, with a read
   * (its write did not apply, the engine refused it on a copy, or its version hands out
   * round-robin turns, which needs a lock).
   */
  async fireTimers(
    timers: ReadonlyArray<FencedTimer & { instanceId: string; timer: string; instance?: InstanceRow }>,
  ): Promise<Array<'fired' | 'stale' | 'early' | 'refused' | 'single'>> {
    const db = this.workerDb;
    // Instances read by the claim fire without a read: at the estimated clock, the write checking
    // the claim, the due time and the rev (a miss fires alone, with a read).
    const estimate = this.databaseClock.now();
    const preRead = estimate !== undefined && timers.every((t) => t.instance !== undefined);
    const found = new Map<number, InstanceRow & { now: Date; claim_due: boolean | null }>();
    if (preRead) {
      for (const t of timers)
        found.set(t.id, { ...t.instance!, now: new Date(instantAfter(estimate, t.instance!)), claim_due: true });
    } else {
      const now = nowSql(this.clock);
      const claims = timers.map((t) => ({ instance_id: t.instanceId, timer_id: t.id, attempt: t.attempt }));
      const { rows } = await sql<
        InstanceRow & { now: Date; timer_id: number; claim_due: boolean | null }
      >`${sql.raw(preparedMarker)}
        select i.*, ${now} as now, c.timer_id,
          (select tm.due_at <= ${now} from timers tm where tm.id = c.timer_id and tm.fired_at is null and tm.locked_by = ${this.workerId}
                  and tm.attempt = c.attempt) as claim_due
        from jsonb_to_recordset(${toJsonb(claims)}::jsonb) as c(instance_id uuid, timer_id bigint, attempt integer)
        join instances i on i.id = c.instance_id
        where i.id = any(${timers.map((t) => t.instanceId)}::uuid[])`.execute(db);
      for (const { timer_id, ...row } of rows) found.set(Number(timer_id), row);
    }
    const results: Array<'fired' | 'stale' | 'early' | 'refused' | 'single'> = timers.map(() => 'refused');
    const writes: Array<{ index: number; step: StepWrite; row: InstanceRow; version: LoadedVersion }> = [];
    for (const [index, timer] of timers.entries()) {
      const loaded = found.get(timer.id);
      if (!loaded) continue; // the instance is gone: refused
      const { now: at, claim_due, ...row } = loaded;
      if (claim_due !== true) {
        results[index] = claim_due === null ? 'stale' : 'early';
        continue;
      }
      const version = await this.processes.get(db, row.version_id);
      if (version.roundRobinKeys.length > 0) {
        results[index] = 'single';
        continue;
      }
      const { directory, userIds } = await this.directory.load(db, version, false, at.getTime());
      const snapshot = row.snapshot as InstanceSnapshot;
      const stepped = step(
        version.process,
        snapshot,
        { type: 'fireTimer', timer: timer.timer },
        { now: at.getTime(), directory },
      );
      if (!stepped.ok) {
        // Refused on the claim's copy: judged again on a fresh read before the row is marked.
        if (preRead) results[index] = 'single';
        else this.noteTimerRefusal(timer.key, stepped.error);
        continue;
      }
      writes.push({
        index,
        row,
        version,
        step: {
          instanceId: row.id,
          instance: { kind: 'update', rev: row.rev, estimatedInstant: preRead },
          before: snapshot,
          snapshot: stepped.snapshot,
          effects: stepped.effects,
          now: at.getTime(),
          directory,
          userIds,
          process: version.process,
          firedTimer: { id: timer.id, key: timer.key, attempt: timer.attempt, workerId: this.workerId },
        },
      });
    }
    // Rows locked in one order by every batch: two batches cannot deadlock on each other.
    writes.sort((a, b) => (a.step.instanceId < b.step.instanceId ? -1 : a.step.instanceId > b.step.instanceId ? 1 : 0));
    const written = await this.withRetries(() =>
      writeSteps(
        db,
        writes.map((w) => w.step),
        this.writeContext,
      ),
    );
    for (const [i, w] of writes.entries()) {
      const result = written[i];
      if (!result) {
        results[w.index] = 'single';
        continue;
      }
      const next = w.step.snapshot;
      result.applied.messages.push(
        instanceMessage({
          ...w.row,
          rev: result.rev,
          status: result.status,
          updated_at: result.updatedAt,
          ended_at: result.endedAt,
          snapshot: next,
          data: next.data,
        }),
      );
      this.afterCommit(result.applied);
      this.cache?.delete(w.step.instanceId);
      results[w.index] = 'fired';
    }
    return results;
  }

  /**
   * Logs a timer the engine refused, unless the refusal is expected: the timer was cancelled in
   * the snapshot (`ENG_TIMER_NOT_FOUND`) or the instance has ended.
   */
  noteTimerRefusal(timerKey: string, error: EngineError): void {
    if (error.code === 'ENG_TIMER_NOT_FOUND' || error.code === 'ENG_INSTANCE_ENDED') return;
    this.logger.warn({ timer: timerKey, code: error.code }, `the engine refused a timer: ${error.message}`);
  }

  /** Marks a claimed timer fired if the claim still holds (the fencing check); returns whether it did. */
  async markTimerFired(db: Kysely<Database>, timer: Pick<FencedTimer, 'id' | 'attempt'>): Promise<boolean> {
    const now = nowSql(this.clock);
    const row = await db
      .updateTable('timers')
      .set({ fired_at: now, lease_until: null })
      .where('id', '=', timer.id)
      .where('fired_at', 'is', null)
      .where('locked_by', '=', this.workerId)
      .where('attempt', '=', timer.attempt)
      .where('due_at', '<=', now)
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Starts an instance of a loaded version: steps `start` at the database clock and writes the
   * new row and its effects as one statement (in a transaction when `before` or `finish` is
   * given, or when the version hands out round-robin turns), then publishes after commit.
   */
  async startInstance<R = undefined>(
    input: StartInstanceInput,
    options: StartInstanceOptions<R> = {},
  ): Promise<{ instance: InstanceRow; value: R | undefined } | { replay: R }> {
    // The route read the clock with the start context: a reading for the estimate too.
    if (input.now !== undefined) this.databaseClock.note(input.now);
    const locked =
      options.before !== undefined || options.finish !== undefined || input.version.roundRobinKeys.length > 0;
    const run = async (db: Kysely<Database>) => {
      if (options.before) {
        const early = await options.before(db);
        if (early !== undefined) return { result: { replay: early }, applied: undefined, started: undefined };
      }
      const now = input.now !== undefined && !locked ? input.now : await dbNow(db, this.clock);
      const { directory, userIds } = await this.directory.load(db, input.version, locked, now);
      const stepped = step(
        input.version.process,
        null,
        { type: 'start', data: input.data, initiator: input.initiator.username, businessKey: input.businessKey },
        { now, directory },
      );
      if (!stepped.ok) {
        if (stepped.error.code === 'ENG_UNKNOWN_USER') {
          throw new ApiError(
            'API_INVALID_DATA',
            { count: 1, key: input.version.modelKey, version: input.version.versionNumber },
            { issues: [toUnknownUserIssue(stepped.error)] },
          );
        }
        throw new ApiError('API_CONFLICT', { reason: `${stepped.error.code}: ${stepped.error.message}` });
      }
      const snapshot = stepped.snapshot;
      const id = randomUUID();
      const written = await this.write(db, {
        inTransaction: locked,
        step: {
          instanceId: id,
          instance: {
            kind: 'insert',
            modelId: input.version.modelId,
            versionId: input.version.versionId,
            businessKey: input.businessKey,
            initiatorId: input.initiator.id,
            teamId: input.initiator.teamId,
          },
          before: null,
          snapshot: stepped.snapshot,
          effects: stepped.effects,
          now,
          directory,
          userIds,
          process: input.version.process,
        },
      });
      if (!written) throw new Error(`Inserting instance ${id} returned no row.`);
      const instance: InstanceRow = {
        id,
        model_id: input.version.modelId,
        version_id: input.version.versionId,
        status: written.status,
        business_key: input.businessKey,
        data: snapshot.data,
        snapshot,
        initiator_id: input.initiator.id,
        team_id: input.initiator.teamId,
        rev: written.rev,
        created_at: written.createdAt,
        updated_at: written.updatedAt,
        ended_at: written.endedAt,
      };
      written.applied.messages.push(instanceMessage(instance));
      const started: StartedInstance = { instance, version: input.version, taskIds: written.taskIds };
      const value = options.finish ? await options.finish(db, started) : options.respond?.(started);
      return { result: { instance, value }, applied: written.applied, started };
    };
    const { result, applied, started } = await this.withRetries(() =>
      locked ? this.db.transaction().execute(run) : run(this.db),
    );
    if (applied) this.afterCommit(applied);
    if (started) this.cache?.put(started.instance, started.taskIds);
    return result;
  }

  /** The clock and wake window every write of this run loop uses. */
  get writeContext(): WriteContext {
    return { clock: this.clock, wakeWindowMs: this.timers.intervalMs };
  }

  /**
   * {@link writeStep} with this run loop's clock and wake window: inside a transaction (or on
   * PGlite, or when the step advances round-robin cursors) on its own, else through the write
   * batcher, which may share a statement and a commit with other instances' steps.
   */
  private write(
    db: Kysely<Database>,
    { inTransaction, step: stepWrite }: { inTransaction: boolean; step: StepWrite },
  ): Promise<StepWritten | undefined> {
    // Inside a transaction the write belongs to it; outside, on PostgreSQL, it may share a
    // statement and a commit with others (PGlite runs one statement at a time and gains nothing:
    // measured slower, since a many-instance statement costs more there than its parts).
    if (
      inTransaction ||
      this.database.kind === 'pglite' ||
      stepWrite.effects.some((e) => e.type === 'assignment.advanced')
    ) {
      return writeStep(db, stepWrite, this.writeContext);
    }
    return this.batcherFor(db, stepWrite.instance.kind).write(stepWrite);
  }

  private readonly batchers = new Map<Kysely<Database>, Record<InstanceWrite['kind'], WriteBatcher>>();

  private batcherFor(db: Kysely<Database>, kind: InstanceWrite['kind']): WriteBatcher {
    let pair = this.batchers.get(db);
    if (!pair) {
      // A few statements in parallel keep both of PostgreSQL's cores busy; beyond that, writes group.
      const inFlight = 2;
      const writer = (steps: StepWrite[]) => this.withRetries(() => writeSteps(db, steps, this.writeContext));
      pair = { update: new WriteBatcher(writer, inFlight), insert: new WriteBatcher(writer, inFlight) };
      this.batchers.set(db, pair);
    }
    return pair[kind];
  }

  /**
   * Moves one instance from version `from` to version `to` (process instance migration) in one
   * transaction: locks the row, checks that it still runs on `from`, lets the engine move its
   * tokens ({@link migrateInstance}: tasks, signer groups, incidents and joins go along, timers
   * and deadlines are computed afresh from the target nodes, history records each move), then
   * writes the snapshot, tasks (with their new nodes), timers and history and switches the row's
   * version. An instance already on `to` counts as moved (a resumed operation). When it cannot
   * move, nothing is written and the reasons come back.
   */
  async migrate(
    instanceId: string,
    input: { from: LoadedVersion; to: LoadedVersion; mapping: MigrationMapping; actor: string },
  ): Promise<{ ok: true; already: boolean } | { ok: false; problems: MigrationProblemInfo[] }> {
    const result = await this.withRetries(() =>
      this.db.transaction().execute(async (trx) => {
        const found = await this.load(trx, { target: { instanceId }, lock: true });
        if (!found)
          return {
            ok: false as const,
            problems: [{ code: 'API_CONFLICT', message: 'The instance no longer exists.' }],
          };
        const { row, now } = found;
        if (row.version_id === input.to.versionId && row.status === 'running')
          return { ok: true as const, already: true };
        if (row.version_id !== input.from.versionId)
          return {
            ok: false as const,
            problems: [
              {
                code: 'API_CONFLICT',
                message: `The instance is not on version ${input.from.versionNumber} of "${input.from.modelKey}".`,
              },
            ],
          };
        const snapshot = row.snapshot as InstanceSnapshot;
        const moved = migrateInstance(input.from.process, input.to.process, snapshot, input.mapping, {
          now,
          actor: input.actor,
          fromVersion: input.from.versionNumber,
          toVersion: input.to.versionNumber,
          validateData: input.to.validateData,
        });
        if (!moved.ok) return { ok: false as const, problems: moved.problems };
        const { directory, userIds } = await this.directory.load(trx, input.to, true, now);
        const written = await writeStep(
          trx,
          {
            instanceId: row.id,
            instance: { kind: 'update', rev: row.rev, estimatedInstant: false },
            before: snapshot,
            snapshot: moved.snapshot,
            effects: moved.effects,
            now,
            directory,
            userIds,
            process: input.to.process,
          },
          this.writeContext,
        );
        if (!written) throw new ApiError('API_CONFLICT', { reason: `instance ${row.id} changed concurrently` });
        await trx.updateTable('instances').set({ version_id: input.to.versionId }).where('id', '=', row.id).execute();
        // The step write above unsettled the instance's part of the history under its old version; now the new one.
        await markUnsettled(trx, row.id);
        // The write keeps a task's node (it never changes in a step): moved tasks get their new one here.
        for (const effect of moved.effects) {
          if (effect.type !== 'task.updated') continue;
          await trx
            .updateTable('tasks')
            .set({ node_id: effect.task.node, node_name: toJsonb(effect.task.nodeName ?? null) })
            .where('instance_id', '=', row.id)
            .where('key', '=', effect.task.id)
            .execute();
        }
        written.applied.messages.push(
          instanceMessage({ ...row, rev: written.rev, status: written.status, version_id: input.to.versionId }),
        );
        return { ok: true as const, already: false, applied: written.applied };
      }),
    );
    this.cache?.delete(instanceId);
    if (!result.ok) return result;
    if ('applied' in result && result.applied) this.afterCommit(result.applied);
    return { ok: true, already: result.already };
  }

  private afterCommit(applied: AppliedEffects): void {
    for (const { message, audience } of applied.messages) {
      try {
        this.hub.publish(message, audience);
      } catch (error) {
        this.logger.error({ err: error, type: message.type }, 'websocket hub failed to publish a message');
      }
    }
    if (applied.outboxRows > 0) this.outbox.kick();
  }

  /** Runs `work` (one whole transaction, or one statement), again after a serialization failure or deadlock, at most {@link maxTransactionRetries} more times. */
  async withRetries<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code !== 'string' || !retryableSqlStates.has(code) || attempt >= maxTransactionRetries) throw error;
        this.logger.debug(
          { code, attempt: attempt + 1 },
          'transaction retried after a serialization failure or deadlock',
        );
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 20) * (attempt + 1)));
      }
    }
  }
}

function instanceMessage(row: InstanceRow): { message: WsPushMessage; audience: Audience } {
  return {
    message: { type: 'instance.updated', instanceId: row.id, rev: row.rev, status: row.status as InstanceStatus },
    audience: { instanceId: row.id },
  };
}

/** The instant of a step on a copy of `row` taken at the estimated clock: never before the row's last change. */
function instantAfter(estimate: number, row: InstanceRow): number {
  return Math.max(estimate, row.updated_at.getTime());
}
