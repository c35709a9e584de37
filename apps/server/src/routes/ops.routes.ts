import type { FastifyInstance } from 'fastify';
import {
  type ReleasedTimer,
  type StuckWork,
  type TimerParams,
  emptyBodySchema,
  releasedTimerSchema,
  stuckWorkSchema,
  timerParamsSchema,
} from '@baton/client/contract';
import { requireRole } from '../auth/auth.plugin.ts';
import { ApiError } from '../errors.ts';
import { errorResponses } from '../http/route-schemas.ts';
import { findStuckWork, releaseTimer } from '../ops/stuck-work.ts';
import { nowSql } from '../runtime/clock.ts';

/**
 * The ops console's stuck work (operators and admins): what is stuck and, where no other route
 * unsticks it, the action that does (releasing a timer). Deliveries in incident are retried or
 * skipped through the incident routes, tasks nobody can act on are transferred.
 */
export async function opsRoutes(app: FastifyInstance): Promise<void> {
  const canOperate = requireRole('operator', 'admin');

  app.get(
    '/api/ops/stuck',
    {
      onRequest: canOperate,
      schema: {
        tags: ['ops'],
        summary:
          'Stuck work: timers whose firing keeps failing, service calls in incident, open tasks no one can act on (operator, admin)',
        response: { 200: stuckWorkSchema, ...errorResponses },
      },
    },
    async (): Promise<StuckWork> => findStuckWork(app.db, nowSql(app.runtime.clock)),
  );

  app.post<{ Params: TimerParams }>(
    '/api/ops/timers/:id/release',
    {
      onRequest: canOperate,
      schema: {
        tags: ['ops'],
        summary: "Free a stuck timer's claim and make it due now, so the next poll fires it (operator, admin)",
        params: timerParamsSchema,
        body: emptyBodySchema,
        response: { 200: releasedTimerSchema, ...errorResponses },
      },
    },
    async (request): Promise<ReleasedTimer> => {
      const released = await releaseTimer(app.db, request.params.id, nowSql(app.runtime.clock));
      if (!released) throw new ApiError('API_TIMER_NOT_FOUND', { id: request.params.id });
      return { id: released.id, dueAt: released.dueAt.toISOString() };
    },
  );
}
