import { randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import { authPlugin } from './auth/auth.plugin.ts';
import { sessionRoutes } from './auth/session.routes.ts';
import type { Config } from './config.ts';
import type { BatonDatabase } from './db/database.ts';
import { dbPlugin } from './db/db.plugin.ts';
import { registerErrorHandlers } from './http/error-handler.ts';
import { registerJsonBodyParser } from './http/json-body-parser.ts';
import { openApiOptions } from './http/openapi.ts';
import { createValidatorCompiler } from './http/validator.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { deploymentRoutes } from './routes/deployments.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { modelRoutes } from './routes/models.routes.ts';
import { userRoutes } from './routes/users.routes.ts';
import { eventRoutes } from './routes/events.routes.ts';
import { instanceRoutes } from './routes/instances.routes.ts';
import { taskRoutes } from './routes/tasks.routes.ts';
import { notificationRoutes } from './routes/notifications.routes.ts';
import { calendarRoutes } from './routes/calendars.routes.ts';
import { delegationRoutes } from './routes/delegations.routes.ts';
import { listRoutes } from './routes/lists.routes.ts';
import { opsRoutes } from './routes/ops.routes.ts';

import { analyticsRoutes } from './analytics/analytics.routes.ts';
import { type CalendarRegistry, LiveCalendarRegistry, findEndingCalendars } from './calendars/calendar-registry.ts';
import { reloadCalendars, storedYearsStamp } from './calendars/calendar-years.ts';
import { migrationRoutes } from './routes/migration.routes.ts';
import type { CalendarSpec } from '@baton/definition';
import type { ActionRegistry } from './workers/actions.ts';
import type { OutboxWorkerOptions } from './workers/outbox-worker.ts';
import { runtimePlugin } from './runtime/runtime.plugin.ts';
import type { TimerPollerOptions } from './workers/timer-poller.ts';
import type { Hub } from './ws/hub.ts';
import { webPlugin } from './web/web.plugin.ts';
import { wsPlugin } from './ws/ws.plugin.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on the app, with its options as given (schemas included). */
    registeredRoutes: readonly RouteOptions[];
  }
}

/** How often a replica checks for calendar years another replica stored (ms). */
export const calendarRefreshMs = 30_000;

/** The default request body limit: 1 MiB (task routes will use 256 KiB). */
export const defaultBodyLimit = 1024 * 1024;

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** An open, migrated database; the app uses it but does not close it. */
  database: BatonDatabase;
  config: Pick<Config, 'sessionSecret' | 'logLevel'>;
  /** A pino logger to use; otherwise one is created at `config.logLevel`. */
  logger?: FastifyBaseLogger;
  /** Where the run loop publishes after commit. @default the websocket hub (`app.wsHub`) */
  hub?: Hub;
  /** Named actions for automatic tasks of kind `action`. @default the demo actions (`attributeDeal`) */
  actions?: ActionRegistry;
  /** Milliseconds added to the database clock; tests move time with `app.runtime.setClockOffset`. @default 0 */
  clockOffsetMs?: number;
  /** Timer poller settings (interval, lease, batch). */
  timers?: TimerPollerOptions;
  /** Outbox worker settings (interval, lease, HTTP timeout, fetch). */
  outbox?: OutboxWorkerOptions;
  /** The monotonic millisecond clock of the session cache (tests simulate its 1 s expiry). @default performance.now */
  sessionClock?: () => number;
  /** Business calendars besides (or replacing) the shipped ones, e.g. loaded from `CALENDARS_DIR`. @default [] */
  calendars?: readonly CalendarSpec[];
  /** The built web app (`apps/web/dist`) to serve on the same port; omitted: the API only. */
  webRoot?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The business calendars the server runs with and the years they cover. */
    calendars: CalendarRegistry;
  }
}

/**
 * Builds the Baton HTTP app without listening: plugins (db, auth), strict JSON parsing and
 * validation, the error handler, OpenAPI at `/docs` (JSON at `/docs/json`), the `/api` routes and,
 * with `webRoot`, the built web app.
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
    // Bodies with __proto__ or constructor.prototype keys are refused, never cleaned (docs/reliability.md H3).
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    requestTimeout: 60_000,
    return503OnClosing: true,
  }) as unknown as FastifyInstance;

  // Every route as registered (with its schema objects), for the contract drift test.
  const registeredRoutes: RouteOptions[] = [];
  app.decorate('registeredRoutes', registeredRoutes);
  app.addHook('onRoute', (route) => void registeredRoutes.push(route));

  app.setValidatorCompiler(createValidatorCompiler());
  registerJsonBodyParser(app);
  registerErrorHandlers(app);
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  await app.register(fastifySwagger, openApiOptions());
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const calendars = new LiveCalendarRegistry(options.calendars ?? []);
  app.decorate('calendars', calendars);

  await app.register(dbPlugin, { database: options.database });
  await app.register(authPlugin, {
    secret: options.config.sessionSecret,
    ...(options.sessionClock ? { sessionClock: options.sessionClock } : {}),
  });
  // The websocket plugin first: its hub is where the run loop publishes after commit.
  await app.register(wsPlugin);
  await app.register(runtimePlugin, {
    hub: options.hub ?? app.wsHub,
    ...(options.actions ? { actions: options.actions } : {}),
    ...(options.clockOffsetMs !== undefined ? { clockOffsetMs: options.clockOffsetMs } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.outbox ? { outbox: options.outbox } : {}),
    calendars: calendars.extra,
  });
  // Years stored through the API join the calendars before the first command; another replica's
  // change is noticed within `calendarRefreshMs` (a cheap count + max(updated_at) probe).
  let calendarStamp = '';
  let calendarTimer: NodeJS.Timeout | undefined;
  const refreshCalendars = async (): Promise<void> => {
    const stamp = await storedYearsStamp(app.db);
    if (stamp === calendarStamp) return;
    calendarStamp = stamp;
    await reloadCalendars(app, calendars);
  };
  app.addHook('onReady', async () => {
    await refreshCalendars();
    calendarTimer = setInterval(() => {
      refreshCalendars().catch((error: unknown) => app.log.warn({ err: error }, 'calendar refresh failed'));
    }, calendarRefreshMs);
    calendarTimer.unref();
  });
  app.addHook('onClose', async () => clearInterval(calendarTimer));
  // A calendar whose holiday data runs out soon silently counts next year's holidays as working
  // days: say so at start-up, once per calendar (issue 8).
  app.addHook('onReady', async () => {
    const today = new Date(Date.now() + app.runtime.clock.offsetMs).toISOString().slice(0, 10);
    for (const { entry, daysLeft } of findEndingCalendars(calendars, today)) {
      app.log.warn(
        { calendar: entry.key, coveredUntil: entry.coveredUntil, daysLeft },
        `calendar "${entry.key}" has holiday data up to ${entry.coveredUntil} only (${daysLeft < 0 ? `ended ${-daysLeft} days ago` : `${daysLeft} days left`}); deadlines past it count public holidays as working days and are flagged "beyond-calendar". Add next year's schedule on the calendars page (/ops/calendars) or as a calendar file in CALENDARS_DIR (see the README).`,
      );
    }
  });

  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(sessionRoutes);
  await app.register(userRoutes);
  await app.register(modelRoutes);
  await app.register(deploymentRoutes);
  await app.register(instanceRoutes);
  await app.register(taskRoutes);
  await app.register(eventRoutes);
  await app.register(notificationRoutes);
  await app.register(calendarRoutes);
  await app.register(migrationRoutes);
  await app.register(listRoutes);
  await app.register(delegationRoutes);
  await app.register(opsRoutes);

  await app.register(analyticsRoutes);
  if (options.webRoot !== undefined) await app.register(webPlugin, { root: options.webRoot });
  return app;
}
