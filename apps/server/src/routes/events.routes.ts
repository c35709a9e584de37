import type { FastifyInstance } from 'fastify';
import { type SendEventBody, type SendEventResult, sendEventBodySchema, sendEventResultSchema } from '@baton/client/contract';
import { requireRole } from '../auth/auth.plugin.ts';
import { toJsonb } from '../db/json.ts';
import { errorResponses } from '../http/route-schemas.ts';

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
        summary: 'Deliver a business event to the running instances with this business key that wait for it (operator, admin)',
        body: sendEventBodySchema,
        response: { 200: sendEventResultSchema, ...errorResponses },
      },
    },
    async (request): Promise<SendEventResult> => {
      const { event, businessKey, payload } = request.body;
      const waiting = await app.db
        .selectFrom('instances')
        .select('id')
        .where('status', '=', 'running')
        .where('business_key', '=', businessKey)
        .where((eb) => eb(eb.ref('snapshot'), '@>', eb.cast(eb.val(toJsonb({ tokens: [{ wait: { kind: 'event', event } }] })), 'jsonb')))
        .orderBy('created_at')
        .execute();
      let delivered = 0;
      for (const { id } of waiting) {
        const result = await app.runtime.runCommand(id, { type: 'signal', event, ...(payload !== undefined ? { payload } : {}) });
        if (result.kind === 'done' && result.outcome.ok && result.outcome.effects.some((e) => e.type === 'history' && e.event.type === 'event.received')) delivered += 1;
      }
      return { delivered };
    },
  );
}
