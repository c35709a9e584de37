import type { FastifyInstance } from 'fastify';
import {
  type CreateDeploymentBody,
  type Deployment,
  type DeploymentParams,
  type ModelKeyParams,
  createDeploymentBodySchema,
  deploymentListSchema,
  deploymentParamsSchema,
  deploymentSchema,
  emptyBodySchema,
  modelKeyParamsSchema,
  type StartableProcess,
  startableListSchema,
} from '@baton/client/contract';
import { getCurrentUserOrThrow, getViewerOrThrow, requireRole } from '../auth/auth.plugin.ts';
import {
  createDeployment,
  listActiveDeployments,
  listDeployments,
  rollbackDeployment,
} from '../deployments/deployment-repository.ts';
import { resolveVersionForStart } from '../deployments/resolve-version.ts';
import { startFormOf } from '../deployments/start-form.ts';
import { errorResponses } from '../http/route-schemas.ts';

/**
 * Deployments of published versions to cohorts. Deploying and rolling back need the `operator`
 * or `admin` role (deploy is privileged because definitions carry code: docs/reliability.md F5).
 */
export async function deploymentRoutes(app: FastifyInstance): Promise<void> {
  const canDeploy = requireRole('operator', 'admin');

  app.get(
    '/api/startable',
    {
      schema: {
        tags: ['deployments'],
        summary:
          'The processes you may start: models with an active deployment whose cohort includes you, each with its start form',
        response: { 200: startableListSchema, ...errorResponses },
      },
    },
    async (request): Promise<StartableProcess[]> => {
      const viewer = getViewerOrThrow(request);
      const byModel = new Map<string, Awaited<ReturnType<typeof listActiveDeployments>>>();
      for (const d of await listActiveDeployments(app.db))
        byModel.set(d.modelKey, [...(byModel.get(d.modelKey) ?? []), d]);
      const out: StartableProcess[] = [];
      for (const [key, deployments] of byModel) {
        const byShare = deployments.some((d) => d.cohort.type === 'share');
        // Without a business key a share cohort never matches: the newest of the others decides.
        const chosen =
          resolveVersionForStart(deployments, { teamKeys: viewer.teamKeys, businessKey: null }) ??
          (byShare ? deployments.find((d) => d.cohort.type === 'share') : undefined);
        if (!chosen) continue;
        const version = await app.runtime.processes.get(app.db, chosen.versionId);
        const { definition } = version;
        out.push({
          key,
          name: definition.name,
          description: definition.description ?? null,
          version: version.versionNumber,
          form: startFormOf(definition),
          businessKeyField: definition.businessKeyField ?? null,
          byShare,
        });
      }
      return out;
    },
  );

  app.get<{ Params: ModelKeyParams }>(
    '/api/models/:key/deployments',
    {
      schema: {
        tags: ['deployments'],
        summary: "List a model's deployments (newest first, ended ones included)",
        params: modelKeyParamsSchema,
        response: { 200: deploymentListSchema, ...errorResponses },
      },
    },
    async (request): Promise<Deployment[]> => listDeployments(app.db, request.params.key),
  );

  app.post<{ Params: ModelKeyParams; Body: CreateDeploymentBody }>(
    '/api/models/:key/deployments',
    {
      onRequest: canDeploy,
      schema: {
        tags: ['deployments'],
        summary:
          'Deploy a published version to a cohort (all, teams, or a share of business keys); deploy again to widen',
        params: modelKeyParamsSchema,
        body: createDeploymentBodySchema,
        response: { 201: deploymentSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = getCurrentUserOrThrow(request);
      const deployment = await createDeployment(app.db, {
        modelKey: request.params.key,
        versionNumber: request.body.version,
        cohort: request.body.cohort,
        createdBy: user.id,
      });
      return reply.code(201).send(deployment);
    },
  );

  app.post<{ Params: DeploymentParams }>(
    '/api/models/:key/deployments/:id/rollback',
    {
      onRequest: canDeploy,
      schema: {
        tags: ['deployments'],
        summary: 'End a deployment (idempotent); running instances keep their version',
        params: deploymentParamsSchema,
        body: emptyBodySchema,
        response: { 200: deploymentSchema, ...errorResponses },
      },
    },
    async (request): Promise<Deployment> =>
      rollbackDeployment(app.db, { modelKey: request.params.key, id: request.params.id }),
  );
}
