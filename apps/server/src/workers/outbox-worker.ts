import { sql } from 'kysely';
import type { AutomaticAction } from '@baton/definition';
import type { Command } from '@baton/engine';
import { livePresenceSql } from '../db/database.ts';
import { type RuntimeClock, nowSql } from '../runtime/clock.ts';
import { Poller, forEachLimited } from './poller.ts';
import type { Runtime } from '../runtime/runtime.ts';

/** Options of {@link OutboxWorker}. */
export interface OutboxWorkerOptions {
  /** How often to look for undelivered rows without a kick. @default 1000 */
  intervalMs?: number;
  /** How long a claim holds a row before another replica may deliver it again. @default 30000 */
  leaseMs?: number;
  /** Rows claimed per batch. @default 50 */
  batchSize?: number;
  /** Deliveries at once. @default 4 */
  concurrency?: number;
  /** Timeout of one HTTP call. @default 10000 */
  httpTimeoutMs?: number;
  /** The `fetch` HTTP actions use. @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * URL prefixes HTTP actions may call (`HTTP_ACTION_ALLOW`), e.g. `https://crm.example.com`:
   * a call elsewhere is not made and fails at once (an incident), so a process definition cannot
   * reach internal services the operator did not name. @default undefined (any URL)
   */
  httpAllow?: readonly string[];
}

/** Whether `url` starts with one of the allowed prefixes (compared as normalised URLs, so `https://a.com` does not admit `https://a.com.evil.io`). */
export function isAllowedHttpUrl(url: string, allow: readonly string[] | undefined): boolean {
  if (allow === undefined) return true;
  let href: string;
  try {
    href = new URL(url).href;
  } catch {
    return false;
  }
  return allow.some((prefix) => href.startsWith(new URL(prefix).href));
}

/** A claimed outbox row. */
export interface ClaimedDelivery {
  id: number;
  instanceId: string;
  key: string;
  /** The fencing token: the row's `attempts` after this claim. */
  attempts: number;
  call: string;
  action: AutomaticAction;
  body: unknown;
}

/** The answer of one delivery, fed back to the engine as a `serviceResult` command. */
export type DeliveryResult = { ok: true; result: unknown } | { ok: false; error: string; retryable: boolean };

/** What delivering one row came to. */
export type DeliveryOutcome = 'delivered' | 'duplicate' | 'stale';

/** The largest HTTP response body kept as a result (1 MiB). */
const maxResponseBytes = 1024 * 1024;

/**
 * Delivers service calls written to the outbox, after commit and at least once. A short
 * transaction claims a batch (`for update skip locked`; the lease is `next_attempt_at`,
 * `attempts` the fencing token; a row held by a process that is gone is free at once, as for
 * timers: `BatonDatabase.announce`); each call runs outside any transaction (`http` through
 * `fetch` with a timeout, `action` through the named-action registry), and its result goes back
 * to the engine as a `serviceResult` command in the same transaction that marks the row
 * delivered, so a result is applied once. Failures are results too: the engine's retry policy
 * schedules retry timers and ends in an incident (docs/reliability.md invariant 8). A result the engine
 * no longer awaits (`ENG_CALL_NOT_FOUND`) is a duplicate delivery: the row is marked delivered.
 */
export class OutboxWorker extends Poller {
  readonly leaseMs: number;
  readonly batchSize: number;
  private readonly concurrency: number;
  private readonly httpTimeoutMs: number;
  private readonly fetch: typeof fetch;
  private readonly httpAllow: readonly string[] | undefined;
  private readonly clock: RuntimeClock;

  constructor(
    private readonly runtime: Runtime,
    options: OutboxWorkerOptions = {},
  ) {
    super({
      database: runtime.database,
      logger: runtime.logger,
      intervalMs: options.intervalMs ?? 1000,
      name: 'outbox worker',
    });
    this.leaseMs = options.leaseMs ?? 30_000;
    this.batchSize = options.batchSize ?? 50;
    this.concurrency = options.concurrency ?? 4;
    this.httpTimeoutMs = options.httpTimeoutMs ?? 10_000;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.httpAllow = options.httpAllow;
    this.clock = runtime.clock;
  }

  /** Claims one batch and delivers it; returns whether the batch was full. */
  async runOnce(): Promise<boolean> {
    const claimed = await this.claim();
    await forEachLimited(claimed, this.concurrency, async (row) => {
      if (this.stopping) return; // released by stop()
      try {
        await this.deliver(row);
      } catch (error) {
        this.logger.error(
          { err: error, outbox: row.key },
          'delivering an outbox row failed; it is retried when its claim expires',
        );
      }
    });
    return claimed.length >= this.batchSize;
  }

  /** Claims up to `batchSize` rows that are due and not held by a live claim. */
  async claim(limit = this.batchSize): Promise<ClaimedDelivery[]> {
    await this.runtime.announce();
    const now = nowSql(this.clock);
    // Free: due, or claimed by a process that is gone (it holds no presence lock: it died and
    // PostgreSQL dropped its connection), so its calls are not held until the lease runs out.
    const { rows } = await sql<{
      id: number;
      instance_id: string;
      key: string;
      attempts: number;
      payload: { call: string; action: AutomaticAction; body?: unknown };
    }>`
      with alive as materialized (${livePresenceSql})
      update outbox set next_attempt_at = ${now} + make_interval(secs => ${this.leaseMs / 1000}::double precision),
                        locked_by = ${this.runtime.workerId}, attempts = attempts + 1
      where id in (
        select id from outbox
        where delivered_at is null and kind = 'service'
          and (next_attempt_at <= ${now} or (locked_by is not null and hashtext(locked_by)::oid not in (select objid from alive)))
        order by id
        limit ${limit}
        for update skip locked)
      returning id, instance_id, key, attempts, payload`.execute(this.runtime.workerDb);
    return rows
      .map((r) => ({
        id: r.id,
        instanceId: r.instance_id,
        key: r.key,
        attempts: r.attempts,
        call: r.payload.call,
        action: r.payload.action,
        body: r.payload.body,
      }))
      .sort((a, b) => a.id - b.id);
  }

  /** Performs one claimed call and feeds its result back to the engine (see the class description). */
  async deliver(row: ClaimedDelivery): Promise<DeliveryOutcome> {
    const result = await this.perform(row);
    const command: Command = result.ok
      ? { type: 'serviceResult', call: row.call, ok: true, result: result.result }
      : { type: 'serviceResult', call: row.call, ok: false, error: result.error, retryable: result.retryable };
    const lastError = result.ok ? null : result.error.slice(0, 2000);
    const outcome = await this.runtime.runCommand<DeliveryOutcome>(row.instanceId, command, {
      background: true,
      before: async (trx) => {
        const held = await trx
          .selectFrom('outbox')
          .select('id')
          .where('id', '=', row.id)
          .where('delivered_at', 'is', null)
          .where('locked_by', '=', this.runtime.workerId)
          .where('attempts', '=', row.attempts)
          .forUpdate()
          .executeTakeFirst();
        return held ? undefined : 'stale';
      },
      finish: async (trx, stepOutcome) => {
        await trx
          .updateTable('outbox')
          .set({ delivered_at: nowSql(this.clock), locked_by: null, last_error: lastError })
          .where('id', '=', row.id)
          .execute();
        return stepOutcome.ok ? 'delivered' : 'duplicate';
      },
    });
    if (outcome.kind === 'missing') {
      await this.runtime.workerDb
        .updateTable('outbox')
        .set({ delivered_at: nowSql(this.clock), locked_by: null, last_error: 'instance not found' })
        .where('id', '=', row.id)
        .execute();
      return 'duplicate';
    }
    return outcome.value ?? 'duplicate';
  }

  /** Carries out the call itself; never throws. */
  private async perform(row: ClaimedDelivery): Promise<DeliveryResult> {
    const action = row.action;
    try {
      if (action.kind === 'http') return await this.performHttp(action, row.body);
      if (action.kind === 'action') {
        const fn = Object.prototype.hasOwnProperty.call(this.runtime.actions, action.name)
          ? this.runtime.actions[action.name]
          : undefined;
        if (!fn) {
          return {
            ok: false,
            retryable: false,
            error: `No action named "${action.name}" is registered on this server; register it in buildApp({ actions }) or fix the definition.`,
          };
        }
        const instance = await this.runtime.workerDb
          .selectFrom('instances')
          .leftJoin('users', 'users.id', 'instances.initiator_id')
          .select(['instances.data', 'instances.business_key', 'users.username'])
          .where('instances.id', '=', row.instanceId)
          .executeTakeFirst();
        const result = await fn({
          data: instance?.data ?? {},
          params: action.params ?? {},
          instanceId: row.instanceId,
          initiator: instance?.username ?? null,
          businessKey: instance?.business_key ?? null,
        });
        return { ok: true, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) };
      }
      return {
        ok: false,
        retryable: false,
        error: `Automatic task kind "${(action as { kind: string }).kind}" is not delivered through the outbox.`,
      };
    } catch (error) {
      return { ok: false, retryable: true, error: error instanceof Error ? error.message : String(error) };
    }
  }

  private async performHttp(
    action: Extract<AutomaticAction, { kind: 'http' }>,
    body: unknown,
  ): Promise<DeliveryResult> {
    if (!isAllowedHttpUrl(action.url, this.httpAllow)) {
      return {
        ok: false,
        retryable: false,
        error: `${action.method} ${action.url} is not on this server's HTTP action allow-list (HTTP_ACTION_ALLOW); an administrator can add its origin, or fix the definition.`,
      };
    }
    const headers: Record<string, string> = { ...(action.headers ?? {}) };
    const init: RequestInit = {
      method: action.method,
      headers,
      signal: AbortSignal.timeout(this.httpTimeoutMs),
      redirect: 'manual',
    };
    if (body !== undefined && action.method !== 'GET') {
      // Header names are case-insensitive: keep a definition's own "Content-Type".
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await this.fetch(action.url, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const reason =
        (error as Error).name === 'TimeoutError'
          ? `timed out after ${this.httpTimeoutMs} ms`
          : `${(error as Error).message}${cause ? ` (${cause})` : ''}`;
      return { ok: false, retryable: true, error: `${action.method} ${action.url} failed: ${reason}` };
    }
    const text = await readLimited(response, maxResponseBytes);
    if (response.status < 200 || response.status > 299) {
      // Client errors other than timeouts and rate limits will not succeed on a retry.
      const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
      return {
        ok: false,
        retryable,
        error: `${action.method} ${action.url} answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
      };
    }
    if (text === undefined)
      return {
        ok: false,
        retryable: false,
        error: `${action.method} ${action.url} answered with more than ${maxResponseBytes} bytes`,
      };
    if (text === '') return { ok: true, result: null };
    try {
      return { ok: true, result: JSON.parse(text) };
    } catch {
      return { ok: true, result: text };
    }
  }

  protected async release(): Promise<void> {
    await this.runtime.workerDb
      .updateTable('outbox')
      .set({ next_attempt_at: nowSql(this.clock), locked_by: null })
      .where('locked_by', '=', this.runtime.workerId)
      .where('delivered_at', 'is', null)
      .execute();
  }
}

/** Reads a response body as text, or undefined when it exceeds `limit` bytes. */
async function readLimited(response: Response, limit: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit) {
    await response.body?.cancel().catch(() => {});
    return undefined;
  }
  const buffer = await response.arrayBuffer();
  if (buffer.byteLength > limit) return undefined;
  return new TextDecoder().decode(buffer);
}
