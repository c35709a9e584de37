import type { FastifyInstance } from 'fastify';
import {
  type SendEventBody,
  type SendEventResult,
  sendEventBodySchema,
  sendEventResultSchema,
} from '@baton/client/contract';
import { requireRole } from '../auth/auth.plugin.ts';
import { errorResponses } from '../http/route-schemas.ts';
import { findInstancesAwaitingEvent } from '../instances/instance-repository.ts';

/**
 * `POST /api/events`: a business event (e.g. `contract.signed` from the e-signature system)
 * for every running instance with that business key whose tokens wait for it. Operators and
 * admins only: an event moves other people's work forward, so it is an integration's call,
 * made with an operator account, never a participant's.
 */
export async function eventRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: SendEventBody }>(
    '/api/events',
    {
      onRequest: requireRole('operator', 'admin'),
      schema: {
        tags: ['events'],
        summary:
          'Deliver a business event to the running instances with this business key that wait for it (operator, admin)',
        body: sendEventBodySchema,
        response: { 200: sendEventResultSchema, ...errorResponses },
      },
    },
    async (request): Promise<SendEventResult> => {
      const { event, businessKey, payload } = request.body;
      const waiting = await findInstancesAwaitingEvent(app.db, { event, businessKey });
      // Each instance is its own command (different rows: they run side by side). The engine
      // decides again on the current row, so two deliveries of one event racing for an instance
      // move it once: the loser's rev guard fails, it steps again and finds no token waiting.
      const signal = { type: 'signal', event, ...(payload !== undefined ? { payload } : {}) } as const;
      // Settled, not raced: a failure is answered only once every other delivery has finished,
      // and a retry of the request reaches only the instances still waiting.
      const settled = await Promise.allSettled(waiting.map((id) => app.runtime.runCommand(id, signal)));
      const failed = settled.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
      const results = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      const delivered = results.filter(
        (result) =>
          result.kind === 'done' &&
          result.outcome.ok &&
          result.outcome.effects.some((e) => e.type === 'history' && e.event.type === 'event.received'),
      ).length;
      return { delivered };
    },
  );
}
