import { type Kysely, type Transaction, sql } from 'kysely';
import type { LocalizedText, ProcessModel, Version, VersionState, VersionSummary } from '@baton/client/contract';
import { toJsonb } from '../db/json.ts';
import type { Database, ProcessModelRow, ProcessVersionRow } from '../db/schema.ts';
import { ApiError } from '../errors.ts';
import { computeContentHash, computeContentHashes } from './content-hash.ts';

/** Converts a model row to the API shape. */
export function toModelDto(row: ProcessModelRow): ProcessModel {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}

/** Converts a version row to the API summary shape (no definition). */
export function toVersionSummaryDto(modelKey: string, row: Omit<ProcessVersionRow, 'definition'>): VersionSummary {
  return {
    id: row.id,
    modelKey,
    number: row.number,
    state: row.state,
    status: row.status,
    contentHash: row.content_hash,
    authorId: row.author_id,
    notes: row.notes,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    publishedAt: row.published_at ? row.published_at.toISOString() : null,
  };
}

/**
 * A version as stored: the API's {@link Version} without `issues`, which the routes compute from
 * the definition with the server's calendars and clock (a draft may be stored with errors).
 */
export type StoredVersion = Omit<Version, 'issues'>;

/** The result of a publish, with the version as stored (see {@link StoredVersion}). */
export interface StoredPublishResult {
  version: StoredVersion;
  created: boolean;
}

/** Converts a version row to the API shape with its definition (without `issues`). */
export function toVersionDto(modelKey: string, row: ProcessVersionRow): StoredVersion {
  return { ...toVersionSummaryDto(modelKey, row), definition: row.definition };
}

/** Lists every model, ordered by key. */
export async function listModels(db: Kysely<Database>): Promise<ProcessModel[]> {
  const rows = await db.selectFrom('process_models').selectAll().orderBy('key').execute();
  return rows.map(toModelDto);
}

/** Finds a model by key, or throws 404 `API_MODEL_NOT_FOUND`. With `forUpdate`, locks the row (serialises version numbering). */
export async function getModelOrThrow(db: Kysely<Database>, key: string, forUpdate = false): Promise<ProcessModelRow> {
  let query = db.selectFrom('process_models').selectAll().where('key', '=', key);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw new ApiError('API_MODEL_NOT_FOUND', { key });
  return row;
}

/** Creates a model, or throws 409 `API_MODEL_EXISTS` when the key is taken. */
export async function createModel(
  db: Kysely<Database>,
  input: { key: string; name: LocalizedText; createdBy: number },
): Promise<ProcessModel> {
  const row = await db
    .insertInto('process_models')
    .values({ key: input.key, name: toJsonb(input.name), created_by: input.createdBy })
    .onConflict((oc) => oc.column('key').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new ApiError('API_MODEL_EXISTS', { key: input.key });
  return toModelDto(row);
}

const summaryColumns = [
  'id',
  'model_id',
  'number',
  'state',
  'status',
  'content_hash',
  'author_id',
  'notes',
  'created_at',
  'updated_at',
  'published_at',
] as const;

/** Lists a model's versions (without definitions), newest first. */
export async function listVersions(db: Kysely<Database>, model: ProcessModelRow): Promise<VersionSummary[]> {
  const rows = await db
    .selectFrom('process_versions')
    .select(summaryColumns)
    .where('model_id', '=', model.id)
    .orderBy('number', 'desc')
    .execute();
  return rows.map((row) => toVersionSummaryDto(model.key, row));
}

/** Finds version `number` of a model (`forUpdate`: and locks its row), or throws 404 `API_VERSION_NOT_FOUND`. */
export async function getVersionOrThrow(
  db: Kysely<Database>,
  model: ProcessModelRow,
  number: number,
  { forUpdate = false }: { forUpdate?: boolean } = {},
): Promise<ProcessVersionRow> {
  let query = db
    .selectFrom('process_versions')
    .selectAll()
    .where('model_id', '=', model.id)
    .where('number', '=', number);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw new ApiError('API_VERSION_NOT_FOUND', { key: model.key, number });
  return row;
}

async function nextVersionNumber(trx: Transaction<Database>, modelId: number): Promise<number> {
  const row = await trx
    .selectFrom('process_versions')
    .select(sql<number>`coalesce(max(number), 0) + 1`.as('next'))
    .where('model_id', '=', modelId)
    .executeTakeFirstOrThrow();
  return Number(row.next);
}

/** What a new version holds. A draft's definition may have validation errors (its key is checked); a published one must not. */
export interface NewVersionInput {
  modelKey: string;
  definition: unknown;
  state: VersionState;
  notes: string | null;
  authorId: number;
}

/** Saves a new draft with the next version number (the model row is locked, so numbers never collide). */
export async function createDraft(db: Kysely<Database>, input: NewVersionInput): Promise<StoredVersion> {
  return db.transaction().execute(async (trx) => {
    const model = await getModelOrThrow(trx, input.modelKey, true);
    const number = await nextVersionNumber(trx, model.id);
    const row = await trx
      .insertInto('process_versions')
      .values({
        model_id: model.id,
        number,
        state: input.state,
        definition: toJsonb(input.definition),
        author_id: input.authorId,
        notes: input.notes,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toVersionDto(model.key, row);
  });
}

/**
 * Replaces a draft's definition (and optionally its state and notes). Throws 404 when the
 * version does not exist and 409 `API_VERSION_NOT_DRAFT` once it is published or retired.
 */
export async function updateDraft(
  db: Kysely<Database>,
  input: { modelKey: string; number: number; definition: unknown; state?: VersionState; notes?: string },
): Promise<StoredVersion> {
  return db.transaction().execute(async (trx) => {
    const model = await getModelOrThrow(trx, input.modelKey);
    const current = await getVersionOrThrow(trx, model, input.number, { forUpdate: true });
    if (current.status !== 'draft') {
      throw new ApiError('API_VERSION_NOT_DRAFT', { key: model.key, number: input.number, status: current.status });
    }
    const row = await trx
      .updateTable('process_versions')
      .set({
        definition: toJsonb(input.definition),
        ...(input.state !== undefined ? { state: input.state } : {}),
        ...(input.notes !== undefined ? { notes: input.notes } : {}),
        updated_at: sql<Date>`clock_timestamp()`,
      })
      .where('id', '=', current.id)
      .where('status', '=', 'draft')
      .returningAll()
      .executeTakeFirstOrThrow();
    return toVersionDto(model.key, row);
  });
}

/**
 * The published (or retired) version of the model with this content, if any. Identical content
 * under another state label is refused with 409 `API_VERSION_STATE_MISMATCH`: one content has
 * one label, and answering with the other label's version would hide that the label asked for
 * was not applied (issue 8).
 */
async function findPublishedByContent(
  trx: Transaction<Database>,
  { model, definition, state }: { model: { id: number; key: string }; definition: unknown; state: VersionState },
): Promise<ProcessVersionRow | undefined> {
  const existing = await trx
    .selectFrom('process_versions')
    .selectAll()
    .where('model_id', '=', model.id)
    .where('content_hash', 'in', computeContentHashes(definition))
    .orderBy('number')
    .executeTakeFirst();
  if (existing && existing.state !== state) {
    throw new ApiError('API_VERSION_STATE_MISMATCH', {
      key: model.key,
      number: existing.number,
      existing: existing.state,
      state,
    });
  }
  return existing;
}

/**
 * Publishes draft `number`: it becomes immutable, with its content hash and publish time. When a
 * version with identical content (same hash) is already published, that version is returned
 * with `created: false` and the draft, which would only duplicate it, is deleted. Identical
 * content under the other state label is 409 `API_VERSION_STATE_MISMATCH` (the draft stays).
 * Publishing an already published version is also a no-op; a retired one gives 409
 * `API_VERSION_NOT_DRAFT`. The caller validates the definition first (`validate` is called with
 * it inside the transaction).
 */
export async function publishDraft(
  db: Kysely<Database>,
  input: { modelKey: string; number: number; validate: (definition: unknown) => void },
): Promise<StoredPublishResult> {
  return db.transaction().execute(async (trx) => {
    const model = await getModelOrThrow(trx, input.modelKey, true);
    const draft = await getVersionOrThrow(trx, model, input.number, { forUpdate: true });
    if (draft.status === 'published') return { version: toVersionDto(model.key, draft), created: false };
    if (draft.status !== 'draft') {
      throw new ApiError('API_VERSION_NOT_DRAFT', { key: model.key, number: input.number, status: draft.status });
    }
    input.validate(draft.definition);
    const hash = computeContentHash(draft.definition);
    const existing = await findPublishedByContent(trx, { model, definition: draft.definition, state: draft.state });
    if (existing) {
      await trx.deleteFrom('process_versions').where('id', '=', draft.id).where('status', '=', 'draft').execute();
      return { version: toVersionDto(model.key, existing), created: false };
    }
    const row = await trx
      .updateTable('process_versions')
      .set({
        status: 'published',
        content_hash: hash,
        published_at: sql<Date>`clock_timestamp()`,
        updated_at: sql<Date>`clock_timestamp()`,
      })
      .where('id', '=', draft.id)
      .where('status', '=', 'draft')
      .returningAll()
      .executeTakeFirstOrThrow();
    return { version: toVersionDto(model.key, row), created: true };
  });
}

/**
 * Creates and publishes a version in one transaction (what `baton deploy` uses). Identical
 * content already published with the same state label returns that version with
 * `created: false` and writes nothing; with the other label it is 409
 * `API_VERSION_STATE_MISMATCH`. The definition must already be validated.
 */
export async function publishDefinition(db: Kysely<Database>, input: NewVersionInput): Promise<StoredPublishResult> {
  return db.transaction().execute(async (trx) => {
    const model = await getModelOrThrow(trx, input.modelKey, true);
    const hash = computeContentHash(input.definition);
    const existing = await findPublishedByContent(trx, { model, definition: input.definition, state: input.state });
    if (existing) return { version: toVersionDto(model.key, existing), created: false };
    const number = await nextVersionNumber(trx, model.id);
    const row = await trx
      .insertInto('process_versions')
      .values({
        model_id: model.id,
        number,
        state: input.state,
        status: 'published',
        definition: toJsonb(input.definition),
        content_hash: hash,
        author_id: input.authorId,
        notes: input.notes,
        published_at: sql<Date>`clock_timestamp()`,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { version: toVersionDto(model.key, row), created: true };
  });
}
