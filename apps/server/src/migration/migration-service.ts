import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { migrateInstance, proposeMapping } from '@baton/engine';
import {
  type MigrationBlocked,
  type MigrationBody,
  type MigrationDryRun,
  type MigrationOperation,
  type MigrationPlan,
  type MigrationProblemInfo,
  maxMigrationInstances,
} from '@baton/client/contract';
import { toJsonb } from '../db/json.ts';
import type { Database, MigrationOperationRow } from '../db/schema.ts';
import { ApiError } from '../errors.ts';
import { getModelOrThrow, getVersionOrThrow } from '../models/model-repository.ts';
import type { LoadedVersion } from '../runtime/process-cache.ts';
import type { InstanceSnapshot } from '@baton/engine';

/** How many instances one batch of a migration moves before the progress is written. */
export const migrationBatchSize = 20;

/** The two versions of a migration, compiled. */
export interface VersionPair {
  modelId: number;
  modelKey: string;
  from: LoadedVersion;
  to: LoadedVersion;
}

/**
 * Loads versions `from` and `to` of a model for a migration: both must exist (404), differ, and
 * `to` must be published (422 `API_MIGRATION_INVALID`); `from` may be published or retired.
 */
export async function loadVersionPair(
  app: FastifyInstance,
  key: string,
  from: number,
  to: number,
): Promise<VersionPair> {
  const model = await getModelOrThrow(app.db, key);
  const fromRow = await getVersionOrThrow(app.db, model, from);
  const toRow = await getVersionOrThrow(app.db, model, to);
  if (from === to)
    throw new ApiError('API_MIGRATION_INVALID', { reason: `source and target are both version ${from}` });
  if (toRow.status !== 'published')
    throw new ApiError('API_MIGRATION_INVALID', {
      reason: `target version ${to} is ${toRow.status}; publish it first`,
    });
  if (fromRow.status === 'draft')
    throw new ApiError('API_MIGRATION_INVALID', {
      reason: `source version ${from} is a draft; no instance runs on it`,
    });
  return {
    modelId: model.id,
    modelKey: model.key,
    from: await app.runtime.processes.get(app.db, fromRow.id),
    to: await app.runtime.processes.get(app.db, toRow.id),
  };
}

/** The proposed mapping of two versions, with how many running instances sit on each source node. */
export async function planMigration(app: FastifyInstance, pair: VersionPair): Promise<MigrationPlan> {
  const { rows: counts } = await sql<{ node: string; n: number }>`
    select t.node, count(distinct i.id)::int as n
    from instances i, jsonb_to_recordset(i.snapshot -> 'tokens') as t(node text)
    where i.version_id = ${pair.from.versionId} and i.status = 'running'
    group by t.node`.execute(app.db);
  const { rows: running } = await sql<{ n: number }>`
    select count(*)::int as n from instances where version_id = ${pair.from.versionId} and status = 'running'`.execute(
    app.db,
  );
  const byNode = new Map(counts.map((c) => [c.node, c.n]));
  const name = (v: LoadedVersion, id: string) => v.process.nodes.get(id)?.node.name ?? null;
  return {
    modelKey: pair.modelKey,
    from: pair.from.versionNumber,
    to: pair.to.versionNumber,
    running: running[0]?.n ?? 0,
    rows: proposeMapping(pair.from.process, pair.to.process).map((row) => ({
      source: row.source,
      sourceType: row.sourceType,
      sourceName: name(pair.from, row.source),
      target: row.target,
      candidates: row.candidates.map((id) => ({ id, name: name(pair.to, id) })),
      instances: byNode.get(row.source) ?? 0,
    })),
  };
}

/** Checks that every node the mapping names exists on its side (422 otherwise). */
function checkMapping(pair: VersionPair, mapping: Record<string, string>): void {
  for (const [source, target] of Object.entries(mapping)) {
    if (!pair.from.process.nodes.has(source))
      throw new ApiError('API_MIGRATION_INVALID', {
        reason: `the mapping names "${source}", which version ${pair.from.versionNumber} does not have`,
      });
    if (!pair.to.process.nodes.has(target))
      throw new ApiError('API_MIGRATION_INVALID', {
        reason: `the mapping sends "${source}" to "${target}", which version ${pair.to.versionNumber} does not have`,
      });
  }
}

interface SelectedInstance {
  id: string;
  business_key: string | null;
  version_id: number;
  status: string;
  model_id: number;
}

/**
 * The instances a body selects: the given ids (any state; those not running on `from` are
 * reported), or every running instance of `from` (optionally by business key prefix), oldest first.
 */
async function selectInstances(
  db: Kysely<Database>,
  pair: VersionPair,
  body: MigrationBody,
): Promise<SelectedInstance[]> {
  let query = db.selectFrom('instances').select(['id', 'business_key', 'version_id', 'status', 'model_id']);
  if (body.instances)
    query = query.where(
      'id',
      'in',
      body.instances.map((id) => id.toLowerCase()),
    );
  else query = query.where('version_id', '=', pair.from.versionId).where('status', '=', 'running');
  if (body.businessKeyPrefix !== undefined) {
    const escaped = body.businessKeyPrefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    query = query.where('business_key', 'like', `${escaped}%`);
  }
  const rows = await query
    .orderBy('created_at')
    .orderBy('id')
    .limit(maxMigrationInstances + 1)
    .execute();
  if (rows.length > maxMigrationInstances)
    throw new ApiError('API_MIGRATION_INVALID', {
      reason: `more than ${maxMigrationInstances} instances are selected; narrow the selection (ids or businessKeyPrefix)`,
    });
  if (body.instances) {
    const found = new Set(rows.map((r) => r.id));
    const missing = body.instances.filter((id) => !found.has(id.toLowerCase()));
    if (missing.length > 0)
      throw new ApiError('API_MIGRATION_INVALID', { reason: `no instance ${missing.slice(0, 3).join(', ')}` });
  }
  return rows;
}

/** Why an instance that is not running on the source version cannot be picked. */
function selectionProblem(pair: VersionPair, row: SelectedInstance): MigrationProblemInfo | undefined {
  if (row.model_id !== pair.modelId)
    return { code: 'API_CONFLICT', message: `The instance is not an instance of "${pair.modelKey}".` };
  if (row.version_id !== pair.from.versionId)
    return { code: 'API_CONFLICT', message: `The instance is not on version ${pair.from.versionNumber}.` };
  if (row.status !== 'running')
    return { code: 'ENG_INSTANCE_ENDED', message: `The instance has ${row.status}; only running instances move.` };
  return undefined;
}

/** Checks the mapping's node ids, then selects the instances a body names (see {@link selectInstances}). */
async function checkAndSelect(
  app: FastifyInstance,
  pair: VersionPair,
  body: MigrationBody,
): Promise<SelectedInstance[]> {
  checkMapping(pair, body.mapping);
  return selectInstances(app.db, pair, body);
}

/** What a migration would do to the selected instances; nothing is written. */
export async function dryRunMigration(
  app: FastifyInstance,
  pair: VersionPair,
  body: MigrationBody,
): Promise<MigrationDryRun> {
  const selected = await checkAndSelect(app, pair, body);
  const movable: string[] = [];
  const blocked: MigrationBlocked[] = [];
  for (let i = 0; i < selected.length; i += 200) {
    const batch = selected.slice(i, i + 200);
    const snapshots = new Map(
      (
        await app.db
          .selectFrom('instances')
          .select(['id', 'snapshot'])
          .where(
            'id',
            'in',
            batch.map((r) => r.id),
          )
          .execute()
      ).map((r) => [r.id, r.snapshot as InstanceSnapshot]),
    );
    const now = Date.now() + app.runtime.clock.offsetMs;
    for (const row of batch) {
      const snapshot = snapshots.get(row.id)!;
      const nodes = [...new Set((snapshot?.tokens ?? []).map((t) => t.node))];
      const early = selectionProblem(pair, row);
      if (early) {
        blocked.push({ instanceId: row.id, businessKey: row.business_key, nodes, problems: [early] });
        continue;
      }
      const result = migrateInstance(pair.from.process, pair.to.process, snapshot, body.mapping, {
        now,
        validateData: pair.to.validateData,
      });
      if (result.ok) movable.push(row.id);
      else blocked.push({ instanceId: row.id, businessKey: row.business_key, nodes, problems: result.problems });
    }
  }
  return { from: pair.from.versionNumber, to: pair.to.versionNumber, total: selected.length, movable, blocked };
}

/** The API view of an operation row. */
export async function toMigrationOperation(
  db: Kysely<Database>,
  row: MigrationOperationRow,
): Promise<MigrationOperation> {
  const { rows } = await sql<{ key: string; from: number; to: number; username: string | null }>`
    select m.key, f.number as "from", t.number as "to", u.username
    from process_models m
    join process_versions f on f.id = ${row.from_version_id}
    join process_versions t on t.id = ${row.to_version_id}
    left join users u on u.id = ${row.created_by}
    where m.id = ${row.model_id}`.execute(db);
  const facts = rows[0]!;
  return {
    id: row.id,
    modelKey: facts.key,
    from: facts.from,
    to: facts.to,
    status: row.status,
    total: row.total,
    migrated: row.migrated,
    failed: row.failed,
    failures: row.failures,
    createdBy: facts.username ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
  };
}

/** Reads an operation, or 404 `API_MIGRATION_NOT_FOUND`. */
export async function getMigrationOrThrow(db: Kysely<Database>, id: number): Promise<MigrationOperation> {
  const row = await db.selectFrom('migration_operations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new ApiError('API_MIGRATION_NOT_FOUND', { id });
  return toMigrationOperation(db, row);
}

/**
 * Records a migration of the selected instances (status `running`) and returns its row; the
 * caller runs it with {@link runMigration}. Refuses (422) a mapping naming unknown nodes, and
 * (409) while another migration of the same model is running.
 */
export async function createMigration(
  app: FastifyInstance,
  pair: VersionPair,
  body: MigrationBody,
  userId: number,
): Promise<MigrationOperationRow> {
  const selected = await checkAndSelect(app, pair, body);
  return app.db.transaction().execute(async (trx) => {
    // One migration per model at a time: lock the model row, then look for a running one.
    await trx.selectFrom('process_models').select('id').where('id', '=', pair.modelId).forUpdate().execute();
    const running = await trx
      .selectFrom('migration_operations')
      .select('id')
      .where('model_id', '=', pair.modelId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (running)
      throw new ApiError('API_CONFLICT', {
        reason: `migration ${running.id} of "${pair.modelKey}" is still running; wait for it (GET /api/migrations/${running.id})`,
      });
    return trx
      .insertInto('migration_operations')
      .values({
        model_id: pair.modelId,
        from_version_id: pair.from.versionId,
        to_version_id: pair.to.versionId,
        mapping: toJsonb(body.mapping),
        instance_ids: toJsonb(selected.map((r) => r.id)),
        total: selected.length,
        created_by: userId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/**
 * Runs a recorded migration: moves its instances in batches of {@link migrationBatchSize}, each
 * instance in a transaction of its own ({@link Runtime.migrate}), writing the progress after
 * each batch; an instance that cannot move is left as it was and listed with its reasons. Picks
 * up where a previous run stopped (`migrated + failed` instances done). Never throws: a server
 * error marks the operation `failed`.
 */
export async function runMigration(app: FastifyInstance, operationId: number, actor: string): Promise<void> {
  try {
    const op = await app.db
      .selectFrom('migration_operations')
      .selectAll()
      .where('id', '=', operationId)
      .executeTakeFirstOrThrow();
    const from = await app.runtime.processes.get(app.db, op.from_version_id);
    const to = await app.runtime.processes.get(app.db, op.to_version_id);
    const ids = op.instance_ids;
    let position = op.migrated + op.failed;
    while (position < ids.length) {
      const batch = ids.slice(position, position + migrationBatchSize);
      let migrated = 0;
      const failures: MigrationBlocked[] = [];
      for (const id of batch) {
        const result = await app.runtime.migrate(id, { from, to, mapping: op.mapping, actor });
        if (result.ok) migrated++;
        else {
          const row = await app.db
            .selectFrom('instances')
            .select(['business_key', 'snapshot'])
            .where('id', '=', id)
            .executeTakeFirst();
          const nodes = [
            ...new Set(((row?.snapshot as InstanceSnapshot | undefined)?.tokens ?? []).map((t) => t.node)),
          ];
          failures.push({ instanceId: id, businessKey: row?.business_key ?? null, nodes, problems: result.problems });
        }
      }
      position += batch.length;
      await app.db
        .updateTable('migration_operations')
        .set((eb) => ({
          migrated: eb('migrated', '+', migrated),
          failed: eb('failed', '+', failures.length),
          failures: sql`failures || ${toJsonb(failures)}::jsonb`,
          updated_at: sql`now()`,
          ...(position >= ids.length ? { status: 'completed' as const, finished_at: sql<Date>`now()` } : {}),
        }))
        .where('id', '=', operationId)
        .execute();
    }
    if (ids.length === 0)
      await app.db
        .updateTable('migration_operations')
        .set({ status: 'completed', finished_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
        .where('id', '=', operationId)
        .execute();
  } catch (error) {
    app.log.error({ err: error, migration: operationId }, 'migration stopped on a server error');
    await app.db
      .updateTable('migration_operations')
      .set({ status: 'failed', finished_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
      .where('id', '=', operationId)
      .execute()
      .catch(() => undefined);
  }
}
