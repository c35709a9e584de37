/**
 * The Baton API contract, `@baton/client/contract`: the JSON Schemas of every route's body,
 * query, path parameters and answers (used as they are by the server for validation and
 * OpenAPI), the TypeScript types derived from them (`Static<typeof schema>`), the error codes,
 * the websocket protocol and the route table.
 *
 * The schemas are the one source: each type is derived from its schema with TypeBox, never
 * declared by hand next to it. Pure and side-effect free: no I/O, no clock, no code evaluation
 * (only TypeBox's schema builders are used). Request body schemas are strict
 * (`additionalProperties: false`), so unknown and server-owned fields are rejected with 400.
 *
 * @module
 */
export * from './errors.ts';
export * from './common.ts';
export * from './users.ts';
export * from './models.ts';
export * from './deployments.ts';
export * from './instances.ts';
export * from './tasks.ts';
export * from './notifications.ts';
export * from './lists.ts';
export * from './delegations.ts';
export * from './calendars.ts';
export * from './migration.ts';
export * from './analytics.ts';
export * from './ops.ts';
export * from './simulation.ts';
export * from './ws.ts';
export * from './routes.ts';
/** The TypeScript type of the values a contract schema accepts: `Static<typeof taskSchema>` is `Task`. */
export type { Static } from 'typebox';
