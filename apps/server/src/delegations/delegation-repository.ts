import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Delegation, DelegationState } from '@baton/client/contract';
import type { Database, DelegationRow } from '../db/schema.ts';

/**
 * Delegations (委托) as rows: list, insert (refusing overlaps and loops in one transaction), end
 * early. The run loop reads them into the engine directory (`runtime/directory.ts`).
 *
 * @module
 */

type DelegationQueryRow = DelegationRow & { user_username: string; agent_username: string; db_now: Date };

function delegationQuery(db: Kysely<Database>, now: RawBuilder<Date>) {
  return db
    .selectFrom('delegations')
    .innerJoin('users as du', 'du.id', 'delegations.user_id')
    .innerJoin('users as da', 'da.id', 'delegations.agent_id')
    .selectAll('delegations')
    .select(['du.username as user_username', 'da.username as agent_username', sql<Date>`${now}`.as('db_now')]);
}

/** Where a delegation stands at `now`. Pure. */
export function delegationStateAt(row: Pick<DelegationRow, 'starts_at' | 'ends_at'>, now: Date): DelegationState {
  if (now < row.starts_at) return 'scheduled';
  return now < row.ends_at ? 'active' : 'ended';
}

/** Converts a row to the API shape. Pure. */
export function toDelegationDto(row: DelegationQueryRow): Delegation {
  return {
    id: row.id,
    user: row.user_username,
    agent: row.agent_username,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    note: row.note,
    state: delegationStateAt(row, row.db_now),
    createdAt: row.created_at.toISOString(),
    endedEarlyAt: row.ended_early_at ? row.ended_early_at.toISOString() : null,
  };
}

/** Which delegations {@link listDelegations} lists. */
export interface ListDelegationsOptions {
  /** Only those where this user is the delegating user or the agent; all when undefined. */
  userId?: number;
  state?: DelegationState;
  now: RawBuilder<Date>;
}

/** Delegations, newest first (at most 500). */
export async function listDelegations(db: Kysely<Database>, options: ListDelegationsOptions): Promise<Delegation[]> {
  let query = delegationQuery(db, options.now);
  const userId = options.userId;
  if (userId !== undefined)
    query = query.where((eb) =>
      eb.or([eb('delegations.user_id', '=', userId), eb('delegations.agent_id', '=', userId)]),
    );
  if (options.state === 'scheduled') query = query.where(sql<boolean>`delegations.starts_at > ${options.now}`);
  if (options.state === 'active')
    query = query.where(sql<boolean>`delegations.starts_at <= ${options.now} and delegations.ends_at > ${options.now}`);
  if (options.state === 'ended') query = query.where(sql<boolean>`delegations.ends_at <= ${options.now}`);
  const rows = await query.orderBy('delegations.id', 'desc').limit(500).execute();
  return rows.map(toDelegationDto);
}

/** One delegation by id, or undefined. */
export async function findDelegation(
  db: Kysely<Database>,
  id: number,
  now: RawBuilder<Date>,
): Promise<(Delegation & { userId: number }) | undefined> {
  const row = await delegationQuery(db, now).where('delegations.id', '=', id).executeTakeFirst();
  return row && { ...toDelegationDto(row), userId: row.user_id };
}

/** What {@link insertDelegation} writes. */
export interface NewDelegation {
  userId: number;
  agentId: number;
  /** Null: from now (the database clock `now`). */
  startsAt: Date | null;
  endsAt: Date;
  note: string | null;
  createdBy: number;
  now: RawBuilder<Date>;
}

/**
 * Inserts a delegation unless, in its period, the user already has one or the agent delegates
 * to the user (a loop); answers the new row, or the reason it was refused. Runs in a
 * transaction that locks both users' rows, so two concurrent requests cannot both pass the check.
 */
export async function insertDelegation(
  db: Kysely<Database>,
  d: NewDelegation,
): Promise<{ ok: true; delegation: Delegation } | { ok: false; reason: string }> {
  return db.transaction().execute(async (trx) => {
    await trx
      .selectFrom('users')
      .select('id')
      .where('id', 'in', [d.userId, d.agentId])
      .orderBy('id')
      .forUpdate()
      .execute();
    const starts = d.startsAt === null ? d.now : sql<Date>`${d.startsAt}::timestamptz`;
    const { rows: clash } = await sql<{ user_id: number; agent_id: number }>`
      select user_id, agent_id from delegations
      where (user_id = ${d.userId} or (user_id = ${d.agentId} and agent_id = ${d.userId}))
        and ends_at > ${starts} and starts_at < ${d.endsAt}::timestamptz and ends_at > ${d.now}
      limit 1`.execute(trx);
    const found = clash[0];
    if (found)
      return {
        ok: false as const,
        reason:
          Number(found.user_id) === d.userId
            ? 'the user already has a delegation in this period'
            : 'the agent delegates to the user in this period (a loop)',
      };
    const { rows: valid } = await sql<{
      ok: boolean;
    }>`select ${d.endsAt}::timestamptz > greatest(${starts}, ${d.now}) as ok`.execute(trx);
    if (!valid[0]?.ok) return { ok: false as const, reason: '`until` is not after the start and after now' };
    const inserted = await trx
      .insertInto('delegations')
      .values({
        user_id: d.userId,
        agent_id: d.agentId,
        starts_at: starts,
        ends_at: d.endsAt,
        note: d.note,
        created_by: d.createdBy,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const row = await delegationQuery(trx, d.now).where('delegations.id', '=', inserted.id).executeTakeFirstOrThrow();
    return { ok: true as const, delegation: toDelegationDto(row) };
  });
}

/**
 * Ends a delegation now if it has not ended (an ended one stays as it was); answers it. A
 * scheduled one gets an empty period just before now, so it never takes effect.
 */
export async function endDelegation(
  db: Kysely<Database>,
  id: number,
  now: RawBuilder<Date>,
): Promise<Delegation | undefined> {
  await db
    .updateTable('delegations')
    .set({
      starts_at: sql<Date>`least(starts_at, ${now} - interval '1 millisecond')`,
      ends_at: now,
      ended_early_at: now,
    })
    .where('id', '=', id)
    .where(sql<boolean>`ends_at > ${now}`)
    .execute();
  const row = await delegationQuery(db, now).where('delegations.id', '=', id).executeTakeFirst();
  return row && toDelegationDto(row);
}
