import { type Kysely, sql } from 'kysely';
import { toJsonb } from '../db/json.ts';
import type { Database } from '../db/schema.ts';
import { checkDefinition } from '../models/check-definition.ts';
import { computeContentHash } from '../models/content-hash.ts';

/**
 * Publishes an example definition as version 1 of its model and deploys it to everyone, when the
 * database has no process model yet, so a fresh `npm start` has a process ready to run. One
 * transaction under an advisory lock: replicas starting together seed it once. The author is
 * `authorUsername` when that user exists. Returns whether it seeded.
 *
 * @throws ApiError API_INVALID_DEFINITION when the definition does not validate.
 */
export async function seedExampleProcessIfEmpty(
  db: Kysely<Database>,
  definitionJson: unknown,
  authorUsername = 'owner',
): Promise<boolean> {
  const key = (definitionJson as { key?: unknown } | null)?.key;
  if (typeof key !== 'string') throw new Error('The example definition has no "key"; it cannot be seeded.');
  const definition = checkDefinition(key, definitionJson);
  return db.transaction().execute(async (trx) => {
    // 0x62746e65 = "btne": an arbitrary, fixed lock id for seeding the example process.
    await sql`select pg_advisory_xact_lock(1651797605)`.execute(trx);
    const existing = await trx.selectFrom('process_models').select('id').limit(1).executeTakeFirst();
    if (existing) return false;
    const author = await trx.selectFrom('users').select('id').where('username', '=', authorUsername).executeTakeFirst();
    const authorId = author?.id ?? null;
    const model = await trx
      .insertInto('process_models')
      .values({ key, name: toJsonb(definition.name), created_by: authorId })
      .returning('id')
      .executeTakeFirstOrThrow();
    const version = await trx
      .insertInto('process_versions')
      .values({
        model_id: model.id,
        number: 1,
        state: definition.state ?? 'current',
        status: 'published',
        definition: toJsonb(definitionJson),
        content_hash: computeContentHash(definitionJson),
        author_id: authorId,
        notes: 'Seeded example',
        published_at: sql<Date>`clock_timestamp()`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('deployments')
      .values({ model_id: model.id, version_id: version.id, cohort: toJsonb({ type: 'all' }), created_by: authorId })
      .execute();
    return true;
  });
}
