import type { FastifyInstance } from 'fastify';
import {
  type MigrationBody,
  type MigrationDryRun,
  type MigrationOperation,
  type MigrationParams,
  type MigrationPlan,
  type MigrationPlanQuery,
  type ModelKeyParams,
  migrationBodySchema,
  migrationDryRunSchema,
  migrationOperationSchema,
  migrationParamsSchema,
  migrationPlanQuerySchema,
  migrationPlanSchema,
  modelKeyParamsSchema,
} from '@baton/client/contract';
import { sql } from 'kysely';
import { getCurrentUserOrThrow, requireRole } from '../auth/auth.plugin.ts';
import { errorResponses } from '../http/route-schemas.ts';
import {
  createMigration,
  dryRunMigration,
  getMigrationOrThrow,
  loadVersionPair,
  planMigration,
  runMigration,
  toMigrationOperation,
} from '../migration/migration-service.ts';

/** A running operation whose progress has not moved for this long is taken over at start-up (its server stopped). */
const staleMigrationSeconds = 120;

/**
 * Process instance migration (operators and admins): the proposed mapping of two versions, a dry
 * run over the chosen instances, and the migration itself, run in batches in the background as
 * an operation record clients poll (`GET /api/migrations/:id`). Operations left running by a
 * stopped server are resumed at start-up.
 */
export async function migrationRoutes(app: FastifyInstance): Promise<void> {
  const operatorOnly = requireRole('operator', 'admin');
  const running = new Set<Promise<void>>();
  const launch = (id: number, actor: string) => {
    const work = runMigration(app, id, actor).finally(() => running.delete(work));
    running.add(work);
  };
  app.addHook('onClose', async () => {
    await Promise.all([...running]);
  });
  app.addHook('onReady', async () => {
    const { rows } = await sql<{ id: number; username: string | null }>`
      update migration_operations o set updated_at = now()
      from (select id from migration_operations where status = 'running'
              and updated_at < now() - make_interval(secs => ${staleMigrationSeconds})) s
      where o.id = s.id
      returning o.id, (select username from users u where u.id = o.created_by) as username`.execute(app.db);
    for (const row of rows) launch(Number(row.id), row.username ?? 'system');
  });

  app.get<{ Params: ModelKeyParams; Querystring: MigrationPlanQuery }>(
    '/api/models/:key/migration-plan',
    {
      onRequest: operatorOnly,
      schema: {
        tags: ['migration'],
        summary:
          'The proposed mapping of the nodes of version `from` onto version `to` (same ids mapped, the rest to choose), with the running instances on each node',
        params: modelKeyParamsSchema,
        querystring: migrationPlanQuerySchema,
        response: { 200: migrationPlanSchema, ...errorResponses },
      },
    },
    async (request): Promise<MigrationPlan> => {
      const pair = await loadVersionPair(app, request.params.key, request.query.from, request.query.to);
      return planMigration(app, pair);
    },
  );

  app.post<{ Params: ModelKeyParams; Body: MigrationBody }>(
    '/api/models/:key/migrations/dry-run',
    {
      onRequest: operatorOnly,
      schema: {
        tags: ['migration'],
        summary: 'Which of the chosen instances would move and which cannot, with every reason; nothing is changed',
        params: modelKeyParamsSchema,
        body: migrationBodySchema,
        response: { 200: migrationDryRunSchema, ...errorResponses },
      },
    },
    async (request): Promise<MigrationDryRun> => {
      const pair = await loadVersionPair(app, request.params.key, request.body.from, request.body.to);
      return dryRunMigration(app, pair, request.body);
    },
  );

  app.post<{ Params: ModelKeyParams; Body: MigrationBody }>(
    '/api/models/:key/migrations',
    {
      onRequest: operatorOnly,
      schema: {
        tags: ['migration'],
        summary:
          'Start moving the chosen instances to version `to` in batches (each instance atomically); answers 202 with the operation to poll',
        params: modelKeyParamsSchema,
        body: migrationBodySchema,
        response: { 202: migrationOperationSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = getCurrentUserOrThrow(request);
      const pair = await loadVersionPair(app, request.params.key, request.body.from, request.body.to);
      const row = await createMigration(app, pair, request.body, user.id);
      launch(row.id, user.username);
      return reply.code(202).send(await toMigrationOperation(app.db, row));
    },
  );

  app.get<{ Params: MigrationParams }>(
    '/api/migrations/:id',
    {
      onRequest: operatorOnly,
      schema: {
        tags: ['migration'],
        summary: 'A migration and its progress (migrated, failed with the reasons, status)',
        params: migrationParamsSchema,
        response: { 200: migrationOperationSchema, ...errorResponses },
      },
    },
    async (request): Promise<MigrationOperation> => getMigrationOrThrow(app.db, request.params.id),
  );
}
