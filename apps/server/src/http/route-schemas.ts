import { apiErrorBodySchema } from '@baton/client/contract';

/** Error response schemas shared by every route (OpenAPI documentation and serialisation). */
export const errorResponses = { '4xx': apiErrorBodySchema, '5xx': apiErrorBodySchema } as const;

/** A list query after the schema's defaults are applied: `limit` and `offset` are always set. */
export type WithPaging<Q extends { limit?: number; offset?: number }> = Q & { limit: number; offset: number };

/** OpenAPI `security` of routes that need no token. */
export const publicSecurity: Array<Record<string, string[]>> = [];
