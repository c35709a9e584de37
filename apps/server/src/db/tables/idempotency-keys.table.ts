import type { ColumnType, Generated, Selectable } from 'kysely';

/** The `idempotency_keys` table: the stored answer to a request sent with an `Idempotency-Key` header. Primary key (user_id, route, key). */
export interface IdempotencyKeysTable {
  key: string;
  user_id: number;
  route: string;
  response: ColumnType<unknown, string, string>;
  status_code: number;
  /** sha256 of method, route and canonical JSON body of the first request; null for rows stored before it was kept. */
  request_hash: string | null;
  created_at: Generated<Date>;
}
/** A row of {@link IdempotencyKeysTable}. */
export type IdempotencyKeyRow = Selectable<IdempotencyKeysTable>;
