import { randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { authPlugin } from './auth/auth.plugin.ts';
import type { Config } from './config.ts';
import type { BatonDatabase } from './db/database.ts';
import { dbPlugin } from './db/db.plugin.ts';
import { registerErrorHandlers } from './http/error-handler.ts';
import { registerJsonBodyParser } from './http/json-body-parser.ts';
import { createValidatorCompiler } from './http/validator.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { deploymentRoutes } from './routes/deployments.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { modelRoutes } from './routes/models.routes.ts';
import { userRoutes } from './routes/users.routes.ts';

/** The default request body limit: 1 MiB (task routes will use 256 KiB). */
export const defaultBodyLimit = 1024 * 1024;

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** An open, migrated database; the app uses it but does not close it. */
  database: BatonDatabase;
  config: Pick<Config, 'sessionSecret' | 'logLevel'>;
  /** A pino logger to use; otherwise one is created at `config.logLevel`. */
  logger?: FastifyBaseLogger;
}

/**
 * Builds the Baton HTTP app without listening: plugins (db, auth), strict JSON parsing and
 * validation, the error handler, OpenAPI at `/docs` (JSON at `/docs/json`) and the `/api` routes.
 * Tests call it and use `app.inject()`; `main.ts` adds `listen`.
 *
 * @example
 * const app = await buildApp({ database, config });
 * const res = await app.inject({ method: 'GET', url: '/api/health' });
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: { level: options.config.logLevel } }),
    bodyLimit: defaultBodyLimit,
    // Bodies with __proto__ or constructor.prototype keys are refused, never cleaned (RELIABILITY H3).
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    requestTimeout: 60_000,
    return503OnClosing: true,
  }) as unknown as FastifyInstance;

  app.setValidatorCompiler(createValidatorCompiler());
  registerJsonBodyParser(app);
  registerErrorHandlers(app);
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Baton API',
        version: '0.1.0',
        description:
          'Workflow engine API. Log in with POST /api/auth/login and send "Authorization: Bearer <token>". Errors answer { statusCode, code, error, message, issues? }.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearerAuth: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  await app.register(dbPlugin, { database: options.database });
  await app.register(authPlugin, { secret: options.config.sessionSecret });

  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(userRoutes);
  await app.register(modelRoutes);
  await app.register(deploymentRoutes);
  return app;
}
