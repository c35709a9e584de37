import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * One round trip to the database (`select 1`): resolves when it answers, rejects with the
 * driver's error when it does not (the error handler turns a lost connection into 503).
 */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
}
