import type { FastifyInstance } from 'fastify';
import { type Health, healthSchema } from '@baton/client/contract';
import { pingDatabase } from '../db/ping-database.ts';
import { errorResponses, publicSecurity } from '../http/route-schemas.ts';

/**
 * `GET /api/health`: liveness plus a database round trip. Public (no token), so load balancers
 * and probes can call it; a failing database answers 503.
 */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/health',
    {
      config: { public: true },
      schema: {
        tags: ['system'],
        summary: 'Health check',
        security: publicSecurity,
        response: { 200: healthSchema, ...errorResponses },
      },
    },
    async (): Promise<Health> => {
      await pingDatabase(app.db);
      return { status: 'ok', database: app.database.kind };
    },
  );
}
