/**
 * Delegations (委托): a user has an agent take the tasks that would reach them for a period (out
 * of office); it ends on its own at the period's end, or early on request.
 *
 * @module
 */
import { Type, type Static } from 'typebox';
import { emptyBodySchema, usernamePattern } from './common.ts';
import { queryTimestampPattern } from './lists.ts';
import { nullableString, nullableTimestamp, stringEnum, timestamp } from './schema.ts';

/** Where a delegation stands at the server's clock. */
export const delegationStates = ['scheduled', 'active', 'ended'] as const;
/** @see delegationStates */
export type DelegationState = (typeof delegationStates)[number];

/** Schema of {@link Delegation}. */
export const delegationSchema = Type.Object({
  id: Type.Integer(),
  user: Type.String({ description: 'Username of the delegating user.' }),
  agent: Type.String({ description: 'Username of the agent who takes their new tasks.' }),
  startsAt: timestamp,
  endsAt: timestamp,
  note: nullableString,
  state: stringEnum(delegationStates),
  createdAt: timestamp,
  endedEarlyAt: nullableTimestamp,
});
/** A delegation (委托): new tasks for `user` reach `agent` from `startsAt` until `endsAt`, marked "on behalf of". */
export type Delegation = Static<typeof delegationSchema>;

/** Schema of {@link CreateDelegationBody}. */
export const createDelegationBodySchema = Type.Object(
  {
    agent: Type.String({ pattern: usernamePattern, description: 'Username of the agent.' }),
    from: Type.Optional(Type.String({ pattern: queryTimestampPattern, description: 'Default: now.' })),
    until: Type.String({ pattern: queryTimestampPattern, description: 'When it ends on its own (after `from`).' }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
    user: Type.Optional(
      Type.String({ pattern: usernamePattern, description: 'Admins only: set it for this user instead of yourself.' }),
    ),
  },
  { additionalProperties: false },
);
/** Body of `POST /api/delegations`. */
export type CreateDelegationBody = Static<typeof createDelegationBodySchema>;

/** Schema of {@link ListDelegationsQuery}. */
export const listDelegationsQuerySchema = Type.Object(
  {
    all: Type.Optional(Type.Boolean({ description: 'Admins only: every user’s delegations.' })),
    state: Type.Optional(stringEnum(delegationStates)),
  },
  { additionalProperties: false },
);
/** Query of `GET /api/delegations`: yours (as user or agent) by default. */
export type ListDelegationsQuery = Static<typeof listDelegationsQuerySchema>;

/** Schema of the answer of `GET /api/delegations`. */
export const delegationListSchema = Type.Array(delegationSchema);

/** Path parameters `{ id }` of the delegation routes. */
export const delegationParamsSchema = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
});
/** @see delegationParamsSchema */
export type DelegationParams = Static<typeof delegationParamsSchema>;

/** Body of `POST /api/delegations/:id/end`: none. */
export const endDelegationBodySchema = emptyBodySchema;
