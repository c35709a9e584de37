import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { ApiIssue, Cohort, Deployment } from '@baton/client/contract';
import { preparedMarker } from '../db/database.ts';
import { toJsonb } from '../db/json.ts';
import type { Database, DeploymentRow } from '../db/schema.ts';
import { ApiError } from '../errors.ts';
import { getModelOrThrow, getVersionOrThrow } from '../models/model-repository.ts';
import type { DeploymentCandidate } from './resolve-version.ts';

type DeploymentWithVersion = DeploymentRow & { version_number: number };

/** Converts a deployment row (joined with its version number) to the API shape. */
export function toDeploymentDto(modelKey: string, row: DeploymentWithVersion): Deployment {
  return {
    id: row.id,
    modelKey,
    versionId: row.version_id,
    version: row.version_number,
    cohort: row.cohort,
    createdBy: row.created_by,
    startedAt: row.started_at.toISOString(),
    endedAt: row.ended_at ? row.ended_at.toISOString() : null,
    active: row.ended_at === null,
  };
}

function deploymentQuery(db: Kysely<Database>) {
  return db
    .selectFrom('deployments')
    .innerJoin('process_versions', 'process_versions.id', 'deployments.version_id')
    .selectAll('deployments')
    .select('process_versions.number as version_number');
}

/** Lists a model's deployments, newest first, ended ones included. */
export async function listDeployments(db: Kysely<Database>, modelKey: string): Promise<Deployment[]> {
  const model = await getModelOrThrow(db, modelKey);
  const rows = await deploymentQuery(db)
    .where('deployments.model_id', '=', model.id)
    .orderBy('deployments.started_at', 'desc')
    .orderBy('deployments.id', 'desc')
    .execute();
  return rows.map((row) => toDeploymentDto(model.key, row));
}

/**
 * Deploys published version `versionNumber` to a cohort. Throws 404 for an unknown model or
 * version, 409 `API_VERSION_NOT_PUBLISHED` for drafts and retired versions, and 400
 * `API_VALIDATION` naming each unknown team key of a `teams` cohort. Earlier deployments stay
 * active: the newest matching one wins (widening = deploying again with a wider cohort).
 */
export async function createDeployment(
  db: Kysely<Database>,
  input: { modelKey: string; versionNumber: number; cohort: Cohort; createdBy: number },
): Promise<Deployment> {
  return db.transaction().execute(async (trx) => {
    const model = await getModelOrThrow(trx, input.modelKey, true);
    const version = await getVersionOrThrow(trx, model, input.versionNumber);
    if (version.status !== 'published') {
      throw new ApiError('API_VERSION_NOT_PUBLISHED', {
        key: model.key,
        number: version.number,
        status: version.status,
      });
    }
    if (input.cohort.type === 'teams') {
      const found = await trx.selectFrom('teams').select('key').where('key', 'in', input.cohort.teams).execute();
      const known = new Set(found.map((t) => t.key));
      const issues: ApiIssue[] = input.cohort.teams.flatMap((team, i) =>
        known.has(team)
          ? []
          : [
              {
                path: `/cohort/teams/${i}`,
                code: 'API_UNKNOWN_TEAM',
                message: `At /cohort/teams/${i}: there is no team "${team}". Use a key from GET /api/teams.`,
              },
            ],
      );
      if (issues.length > 0) {
        throw new ApiError(
          'API_VALIDATION',
          { part: 'body', route: 'POST /api/models/:key/deployments', summary: issues[0]!.message },
          { issues },
        );
      }
    }
    const inserted = await trx
      .insertInto('deployments')
      .values({
        model_id: model.id,
        version_id: version.id,
        cohort: toJsonb(input.cohort),
        created_by: input.createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toDeploymentDto(model.key, { ...inserted, version_number: version.number });
  });
}

/**
 * Ends a deployment (rollback): new instances stop picking it, running ones are untouched.
 * Idempotent: rolling back an ended deployment returns it unchanged. 404 when unknown.
 */
export async function rollbackDeployment(
  db: Kysely<Database>,
  input: { modelKey: string; id: number },
): Promise<Deployment> {
  const model = await getModelOrThrow(db, input.modelKey);
  await db
    .updateTable('deployments')
    .set({ ended_at: sql<Date>`clock_timestamp()` })
    .where('id', '=', input.id)
    .where('model_id', '=', model.id)
    .where('ended_at', 'is', null)
    .execute();
  const row = await deploymentQuery(db)
    .where('deployments.id', '=', input.id)
    .where('deployments.model_id', '=', model.id)
    .executeTakeFirst();
  if (!row) throw new ApiError('API_DEPLOYMENT_NOT_FOUND', { key: model.key, id: input.id });
  return toDeploymentDto(model.key, row);
}

/** What starting an instance of a model needs to know, read in one statement. */
export interface StartContextRow {
  model: { id: number; key: string };
  deployments: DeploymentCandidate[];
  /** The database clock (`now` SQL of the run loop) when the row was read, epoch ms. */
  now: number;
}

/**
 * Reads a model by key, its active deployments and the run loop's clock in one statement (the
 * hot path of `POST /api/models/:key/instances`); undefined when there is no such model.
 */
export async function findStartContext(
  db: Kysely<Database>,
  key: string,
  now: RawBuilder<Date>,
): Promise<StartContextRow | undefined> {
  const { rows } = await sql<{
    id: number;
    key: string;
    now: Date;
    deployments: Array<{ id: number; versionId: number; cohort: Cohort; startedAt: string }>;
  }>`${sql.raw(preparedMarker)}
    select m.id, m.key, ${now} as now,
      coalesce((select json_agg(json_build_object('id', d.id, 'versionId', d.version_id, 'cohort', d.cohort, 'startedAt', d.started_at))
                from deployments d where d.model_id = m.id and d.ended_at is null), '[]'::json) as deployments
    from process_models m where m.key = ${key}`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  return {
    model: { id: row.id, key: row.key },
    now: row.now.getTime(),
    deployments: row.deployments.map((d) => ({
      id: Number(d.id),
      versionId: Number(d.versionId),
      cohort: d.cohort,
      startedAt: new Date(d.startedAt),
      endedAt: null,
    })),
  };
}

/** The active deployments of every model, with the model's key (for `GET /api/startable`). */
export async function listActiveDeployments(
  db: Kysely<Database>,
): Promise<Array<DeploymentCandidate & { modelKey: string }>> {
  const rows = await db
    .selectFrom('deployments as d')
    .innerJoin('process_models as m', 'm.id', 'd.model_id')
    .select(['d.id', 'd.version_id', 'd.cohort', 'd.started_at', 'm.key'])
    .where('d.ended_at', 'is', null)
    .orderBy('m.key')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    versionId: r.version_id,
    cohort: r.cohort,
    startedAt: r.started_at,
    endedAt: null,
    modelKey: r.key,
  }));
}
