/**
 * The ops console's "stuck work" (`/api/ops…`, operators and admins): timers whose firing keeps
 * failing, service calls that ended in an incident, and open tasks nobody can act on, each with
 * what unsticks it.
 *
 * @module
 */
import { Type, type Static } from 'typebox';
import { localizedTextResponseSchema } from './common.ts';
import { incidentSchema } from './instances.ts';
import { nullableString, nullableTimestamp, timestamp } from './schema.ts';

/** The instance a stuck item belongs to. */
const stuckInstanceFields = {
  instanceId: Type.String(),
  modelKey: Type.String(),
  version: Type.Integer(),
  businessKey: nullableString,
};

/** Schema of {@link StuckTimer}. */
export const stuckTimerSchema = Type.Object({
  id: Type.Integer({ description: 'The timer row id (for `POST /api/ops/timers/:id/release`).' }),
  ...stuckInstanceFields,
  kind: Type.String({ description: '`deadline`, `escalation`, `timer` or `retry`.' }),
  timer: Type.String({ description: "The engine's timer id." }),
  dueAt: timestamp,
  attempts: Type.Integer({ description: 'How many times a worker claimed it without firing it.' }),
  lockedBy: nullableString,
  leaseUntil: nullableTimestamp,
});
/** A due timer claimed again and again without being fired (its firing keeps failing). */
export type StuckTimer = Static<typeof stuckTimerSchema>;

/** Schema of {@link FailedDelivery}. */
export const failedDeliverySchema = Type.Object({
  id: Type.Integer({ description: 'The outbox row id of the last failed call.' }),
  ...stuckInstanceFields,
  node: Type.String(),
  attempts: Type.Integer({ description: 'Deliveries of that row.' }),
  lastError: Type.String(),
  at: timestamp,
  incident: incidentSchema,
});
/** A service call (outbox delivery) that failed into an open incident: retry or skip the incident. */
export type FailedDelivery = Static<typeof failedDeliverySchema>;

/** Schema of {@link UnattendedTask}. */
export const unattendedTaskSchema = Type.Object({
  taskId: Type.Integer(),
  ...stuckInstanceFields,
  nodeId: Type.String(),
  nodeName: Type.Unsafe<Static<typeof localizedTextResponseSchema> | null>({
    anyOf: [localizedTextResponseSchema, { type: 'null' }],
  }),
  assignee: nullableString,
  candidates: Type.Object({
    users: Type.Array(Type.String()),
    roles: Type.Array(Type.String()),
    teams: Type.Array(Type.String()),
  }),
  createdAt: timestamp,
});
/** An open task of a running instance whose assignee or candidates resolve to no user who can act (none, or all out of office): transfer it. */
export type UnattendedTask = Static<typeof unattendedTaskSchema>;

/** Schema of {@link StuckWork}. */
export const stuckWorkSchema = Type.Object({
  timers: Type.Array(stuckTimerSchema),
  deliveries: Type.Array(failedDeliverySchema),
  unattended: Type.Array(unattendedTaskSchema),
});
/** The answer of `GET /api/ops/stuck` (each list at most 200 items, oldest first). */
export type StuckWork = Static<typeof stuckWorkSchema>;

/** Path parameters `{ id }` of `POST /api/ops/timers/:id/release`. */
export const timerParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });
/** @see timerParamsSchema */
export type TimerParams = Static<typeof timerParamsSchema>;

/** Schema of {@link ReleasedTimer}. */
export const releasedTimerSchema = Type.Object({ id: Type.Integer(), dueAt: timestamp });
/** The answer of `POST /api/ops/timers/:id/release`: the timer, free and due now for the next poll. */
export type ReleasedTimer = Static<typeof releasedTimerSchema>;
