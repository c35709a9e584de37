import { readFileSync } from 'node:fs';
import { type Kysely, sql } from 'kysely';
import { toJsonb } from '../db/json.ts';
import type { Database } from '../db/schema.ts';
import { checkDefinition } from '../models/check-definition.ts';
import { computeContentHash } from '../models/content-hash.ts';

/** The key of the sales example model (`examples/sales/`): version 1 the current state, version 2 the target state. */
export const salesModelKey = 'lead-to-after-sales';

/**
 * The model's own name: it holds both states, so it names neither (each version's definition
 * says "current state" or "target state"; lists of instances show it with the version number).
 */
export const salesModelName = { 'zh-CN': '线索到合同到售后', en: 'Lead to contract to after-sales' };

/** The two definitions of `examples/sales/` (repository root), in version order. */
export const salesExampleUrls = {
  current: new URL('../../../../examples/sales/current-state.json', import.meta.url),
  target: new URL('../../../../examples/sales/target-state.json', import.meta.url),
} as const;

/** Reads the sales example definitions (current state, target state). */
export function readSalesExamples(): { current: unknown; target: unknown } {
  return {
    current: JSON.parse(readFileSync(salesExampleUrls.current, 'utf8')) as unknown,
    target: JSON.parse(readFileSync(salesExampleUrls.target, 'utf8')) as unknown,
  };
}

/**
 * Publishes the sales example when its model does not exist yet: the current state as version 1,
 * deployed to everyone, and the target state as version 2, published but not deployed (the
 * history seed pilots it on one team; ops widen it). One transaction under an advisory lock, so
 * replicas starting together seed it once. Returns whether it seeded.
 *
 * @throws ApiError API_INVALID_DEFINITION when a definition does not validate.
 */
export async function seedSalesExampleIfMissing(
  db: Kysely<Database>,
  definitions: { current: unknown; target: unknown } = readSalesExamples(),
  authorUsername = 'owner',
): Promise<boolean> {
  checkDefinition(salesModelKey, definitions.current);
  checkDefinition(salesModelKey, definitions.target);
  return db.transaction().execute(async (trx) => {
    // 0x73616c65 = "sale": an arbitrary, fixed lock id for seeding the sales example.
    await sql`select pg_advisory_xact_lock(1935764581)`.execute(trx);
    const existing = await trx
      .selectFrom('process_models')
      .select('id')
      .where('key', '=', salesModelKey)
      .executeTakeFirst();
    if (existing) return false;
    const author = await trx.selectFrom('users').select('id').where('username', '=', authorUsername).executeTakeFirst();
    const authorId = author?.id ?? null;
    const model = await trx
      .insertInto('process_models')
      .values({ key: salesModelKey, name: toJsonb(salesModelName), created_by: authorId })
      .returning('id')
      .executeTakeFirstOrThrow();
    const versionIds: number[] = [];
    for (const [index, [state, json]] of (
      [
        ['current', definitions.current],
        ['target', definitions.target],
      ] as const
    ).entries()) {
      const version = await trx
        .insertInto('process_versions')
        .values({
          model_id: model.id,
          number: index + 1,
          state,
          status: 'published',
          definition: toJsonb(json),
          content_hash: computeContentHash(json),
          author_id: authorId,
          notes: state === 'current' ? 'Seeded example: current state' : 'Seeded example: target state',
          published_at: sql<Date>`clock_timestamp()`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      versionIds.push(version.id);
    }
    await trx
      .insertInto('deployments')
      .values({
        model_id: model.id,
        version_id: versionIds[0]!,
        cohort: toJsonb({ type: 'all' }),
        created_by: authorId,
      })
      .execute();
    return true;
  });
}
