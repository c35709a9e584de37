import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Insertable, type Kysely, type RawBuilder, sql } from 'kysely';
import { type Command, type Effect, type EngineError, type InstanceSnapshot, step } from '@baton/engine';
import type { BatonDatabase } from '../db/database.ts';
import { toJsonb } from '../db/json.ts';
import type { Database, EventsTable, InstanceRow } from '../db/schema.ts';
import { ApiError } from '../errors.ts';
import type { Hub } from '../ws/hub.ts';
import { type ActionRegistry, demoActions } from './actions.ts';
import { type AppliedEffects, applyEffects, historyOf, toEventRows } from './apply-effects.ts';
import { type RuntimeClock, createRuntimeClock, dbNow, nowSql } from './clock.ts';
import { DirectoryCache } from './directory.ts';
import { StaleClaim } from './stale-claim.ts';
import { OutboxWorker, type OutboxWorkerOptions } from './outbox.ts';
import { type LoadedVersion, ProcessCache } from './process-cache.ts';
import { TimerPoller, type TimerPollerOptions } from './timer-poller.ts';

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
}

/** A step that the engine applied, after its writes. */
export interface AppliedOutcome {
  ok: true;
  instance: InstanceRow;
  version: LoadedVersion;
  now: number;
  effects: Effect[];
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

/** What a command builder sees: the locked instance row and its compiled version. */
export interface CommandContext {
  instance: InstanceRow;
  snapshot: InstanceSnapshot;
  version: LoadedVersion;
}

/** Hooks that run inside the command's transaction. */
export interface RunCommandOptions<R> {
  /**
   * Runs right after the instance row is locked, before the step. Returning a value ends the
   * command there (nothing is stepped or written by the run loop) and that value is returned:
   * used for fencing (a stale timer claim) and idempotent replays.
   */
  before?(trx: Kysely<Database>, instance: InstanceRow): Promise<R | undefined>;
  /** Runs after the step and its writes (or after a refusal), in the same transaction. */
  finish?(trx: Kysely<Database>, outcome: CommandOutcome): Promise<R>;
  /**
   * A claimed timer this command fires: when the step applies, the same statement that writes
   * the snapshot marks the row fired, but only while the claim holds (not fired, `locked_by` =
   * this process, `attempt` = the claimed one, due). If it does not, {@link StaleClaim} is
   * thrown and the whole transaction rolls back.
   */
  fencedTimer?: { id: number; attempt: number };
}



/** The result of {@link Runtime.runCommand}. */
export type RunCommandResult<R> =
  | { kind: 'done'; outcome: CommandOutcome; value: R | undefined }
  | { kind: 'skipped'; value: R }
  | { kind: 'missing' };

/** Hooks of {@link Runtime.startInstance}, inside its transaction. */
export interface StartInstanceOptions<R> {
  before?(trx: Kysely<Database>): Promise<R | undefined>;
  finish?(trx: Kysely<Database>, instance: InstanceRow): Promise<R>;
}

/** What starting an instance needs. */
export interface StartInstanceInput {
  version: LoadedVersion;
  initiator: { id: number; username: string; teamId: number | null };
  data: Record<string, unknown>;
  businessKey: string | null;
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

/**
 * The run loop: applies one command at a time per instance, each in one transaction — lock the
 * instance row, step the engine at the database clock, write snapshot, tasks, timers, outbox,
 * notifications and history, commit — then publishes websocket messages and kicks the outbox.
 * It also owns the timer poller and the outbox worker (started by `main.ts`, or by tests).
 */
export class Runtime {
  readonly clock: RuntimeClock;
  readonly processes = new ProcessCache();
  /** People and teams for assignment; call `directory.invalidate()` after changing users or teams. */
  readonly directory: DirectoryCache;
  readonly hub: Hub;
  readonly logger: RuntimeLogger;
  readonly database: BatonDatabase;
  readonly db: Kysely<Database>;
  readonly actions: ActionRegistry;
  /** Identifies this process in timer and outbox claims. */
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  readonly timers: TimerPoller;
  readonly outbox: OutboxWorker;

  constructor(options: RuntimeOptions) {
    this.database = options.database;
    this.db = options.database.db;
    this.hub = options.hub;
    this.logger = options.logger;
    this.clock = createRuntimeClock(options.clockOffsetMs ?? 0);
    this.directory = new DirectoryCache(options.directoryTtlMs ?? 2000);
    this.actions = options.actions ?? demoActions;
    this.timers = new TimerPoller(this, options.timers);
    this.outbox = new OutboxWorker(this, options.outbox);
  }

  /** Moves the run loop's clock: `offsetMs` is added to the database clock from now on (tests). */
  setClockOffset(offsetMs: number): void {
    this.clock.offsetMs = offsetMs;
  }

  /** Starts the timer poller and the outbox worker (LISTEN plus periodic polling). */
  async startWorkers(): Promise<void> {
    await this.timers.start();
    await this.outbox.start();
  }

  /** Stops both workers, waits for work in flight and releases this process's claims. Idempotent. */
  async stopWorkers(): Promise<void> {
    await Promise.all([this.timers.stop(), this.outbox.stop()]);
  }

  /**
   * Applies one command to an instance in one transaction (see the class description). The
   * instance row is locked `for update`, so concurrent commands on one instance run one after
   * the other and a loser sees the winner's snapshot (e.g. `ENG_TASK_NOT_OPEN`). A refused
   * command writes nothing. Serialization failures and deadlocks are retried up to 3 times.
   *
   * `command` may be a function of the locked instance and its version (to validate a form
   * against the node it targets); it may throw an `ApiError`, which rolls the transaction back.
   */
  async runCommand<R = undefined>(
    instanceId: string,
    command: Command | ((context: CommandContext) => Command),
    options: RunCommandOptions<R> = {},
  ): Promise<RunCommandResult<R>> {
    const { result, applied } = await this.withRetries(() =>
      this.db.transaction().execute(async (trx) => {
        // Lock the row, then read the clock (in one round trip): the materialized CTE yields the
        // row only once it is locked, so "now" is never earlier than the previous holder's commit.
        const locked = await sql<InstanceRow & { now: Date }>`
          with locked as materialized (select * from instances where id = ${instanceId} for update)
          select locked.*, ${nowSql(this.clock)} as now from locked`.execute(trx);
        const found = locked.rows[0];
        if (!found) return { result: { kind: 'missing' } as RunCommandResult<R>, applied: undefined };
        const { now: lockedAt, ...row } = found;
        if (options.before) {
          const early = await options.before(trx, row);
          if (early !== undefined) return { result: { kind: 'skipped', value: early } as RunCommandResult<R>, applied: undefined };
        }
        const version = await this.processes.get(trx, row.version_id);
        const snapshot = row.snapshot as InstanceSnapshot;
        const cmd = typeof command === 'function' ? command({ instance: row, snapshot, version }) : command;
        const now = lockedAt.getTime();
        const { directory, userIds } = await this.directory.load(trx, version);
        const stepped = step(version.process, snapshot, cmd, { now, directory });
        if (!stepped.ok) {
          const outcome: RejectedOutcome = { ok: false, error: stepped.error, instance: row, version, now };
          const value = options.finish ? await options.finish(trx, outcome) : undefined;
          return { result: { kind: 'done', outcome, value } as RunCommandResult<R>, applied: undefined };
        }
        const next = stepped.snapshot;
        // The snapshot write, the history insert and a fenced timer travel as one statement.
        const written = await this.writeSnapshot(trx, {
          instanceId,
          rev: row.rev,
          snapshot: next,
          now,
          events: toEventRows(instanceId, historyOf(stepped.effects), userIds),
          fencedTimer: options.fencedTimer,
        });
        if (written && options.fencedTimer && written.fenced === 0) throw new StaleClaim(`timer ${options.fencedTimer.id}: the claim no longer holds`);
        // Unreachable while the row lock is held; kept as the version guard of invariant 2.
        if (!written) throw new ApiError('API_CONFLICT', { reason: `instance ${instanceId} changed concurrently (rev ${row.rev})` });
        const updated: InstanceRow = { ...row, rev: written.rev, status: written.status, updated_at: written.updated_at, ended_at: written.ended_at, snapshot: next, data: next.data };
        const effectsApplied = await applyEffects(
          {
            trx,
            clock: this.clock,
            instanceId,
            now,
            directory,
            userIds,
            tasksAfter: next.tasks,
            wakeWindowMs: this.timers.intervalMs,
            historyWritten: true,
          },
          stepped.effects,
        );
        effectsApplied.messages.push(instanceMessage(updated));
        const outcome: AppliedOutcome = { ok: true, instance: updated, version, now, effects: stepped.effects };
        const value = options.finish ? await options.finish(trx, outcome) : undefined;
        return { result: { kind: 'done', outcome, value } as RunCommandResult<R>, applied: effectsApplied };
      }),
    );
    if (applied) this.afterCommit(applied);
    return result;
  }

  /**
   * Starts an instance of a loaded version in one transaction: steps `start` at the database
   * clock, inserts the instance row (rev 1) and writes the effects, then publishes after commit.
   */
  async startInstance<R = undefined>(input: StartInstanceInput, options: StartInstanceOptions<R> = {}): Promise<{ instance: InstanceRow; value: R | undefined } | { replay: R }> {
    const { result, applied } = await this.withRetries(() =>
      this.db.transaction().execute(async (trx) => {
        if (options.before) {
          const early = await options.before(trx);
          if (early !== undefined) return { result: { replay: early }, applied: undefined };
        }
        const now = await dbNow(trx, this.clock);
        const { directory, userIds } = await this.directory.load(trx, input.version);
        const stepped = step(
          input.version.process,
          null,
          { type: 'start', data: input.data, initiator: input.initiator.username, businessKey: input.businessKey },
          { now, directory },
        );
        if (!stepped.ok) throw new ApiError('API_CONFLICT', { reason: `${stepped.error.code}: ${stepped.error.message}` });
        const snapshot = stepped.snapshot;
        const id = randomUUID();
        const instance = await trx
          .insertInto('instances')
          .values({
            id,
            model_id: input.version.modelId,
            version_id: input.version.versionId,
            status: snapshot.status,
            business_key: input.businessKey,
            data: toJsonb(snapshot.data),
            snapshot: toJsonb(snapshot),
            initiator_id: input.initiator.id,
            team_id: input.initiator.teamId,
            rev: 1,
            created_at: new Date(now),
            updated_at: new Date(now),
            ended_at: snapshot.endedAt === null ? null : new Date(snapshot.endedAt),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const effectsApplied = await applyEffects(
          { trx, clock: this.clock, instanceId: id, now, directory, userIds, tasksAfter: snapshot.tasks, wakeWindowMs: this.timers.intervalMs },
          stepped.effects,
        );
        effectsApplied.messages.push(instanceMessage(instance));
        const value = options.finish ? await options.finish(trx, instance) : undefined;
        return { result: { instance, value }, applied: effectsApplied };
      }),
    );
    if (applied) this.afterCommit(applied);
    return result;
  }

  /**
   * One statement: the snapshot update guarded by `rev`, with the history insert and (for a
   * fired timer) the fenced `fired_at` update as data-modifying CTEs. Returns undefined when
   * the rev guard matched no row.
   */
  private async writeSnapshot(
    trx: Kysely<Database>,
    input: {
      instanceId: string;
      rev: number;
      snapshot: InstanceSnapshot;
      now: number;
      events: Insertable<EventsTable>[];
      fencedTimer: { id: number; attempt: number } | undefined;
    },
  ): Promise<{ rev: number; status: string; updated_at: Date; ended_at: Date | null; fenced: number } | undefined> {
    const now = nowSql(this.clock);
    const ctes: RawBuilder<unknown>[] = [];
    if (input.events.length > 0) {
      const rows = input.events.map(
        (e) => sql`(${e.instance_id}::uuid, ${e.type}, ${e.actor ?? null}, ${e.actor_id ?? null}::bigint, ${e.node_id ?? null}, ${e.at}::timestamptz, ${e.data}::jsonb)`,
      );
      ctes.push(sql`history as (insert into events (instance_id, type, actor, actor_id, node_id, at, data) values ${sql.join(rows)})`);
    }
    const fenced = input.fencedTimer;
    if (fenced) {
      ctes.push(sql`fenced as (update timers set fired_at = ${now}, lease_until = null
        where id = ${fenced.id} and fired_at is null and locked_by = ${this.workerId} and attempt = ${fenced.attempt} and due_at <= ${now}
        returning id)`);
    }
    const next = input.snapshot;
    const endedAt = next.endedAt === null ? null : new Date(next.endedAt);
    const { rows } = await sql<{ rev: number; status: string; updated_at: Date; ended_at: Date | null; fenced: number }>`
      ${ctes.length > 0 ? sql`with ${sql.join(ctes)}` : sql``}
      update instances set snapshot = ${toJsonb(next)}::jsonb, data = ${toJsonb(next.data)}::jsonb, status = ${next.status}, rev = rev + 1,
        updated_at = ${new Date(input.now)}::timestamptz, ended_at = ${endedAt}::timestamptz
      where id = ${input.instanceId} and rev = ${input.rev}
      returning rev, status, updated_at, ended_at, ${fenced ? sql`(select count(*) from fenced)::int` : sql`0`} as fenced`.execute(trx);
    return rows[0];
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

  /** Runs `work` (one whole transaction), again after a serialization failure or deadlock, at most 3 more times. */
  async withRetries<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code !== 'string' || !retryableSqlStates.has(code) || attempt >= maxTransactionRetries) throw error;
        this.logger.debug({ code, attempt: attempt + 1 }, 'transaction retried after a serialization failure or deadlock');
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 20) * (attempt + 1)));
      }
    }
  }
}

function instanceMessage(row: InstanceRow) {
  return { message: { type: 'instance.updated', instanceId: row.id, rev: row.rev, status: row.status }, audience: { instanceId: row.id } };
}
