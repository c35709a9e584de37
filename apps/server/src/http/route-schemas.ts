import { apiErrorBodySchema } from '@baton/client/contract';

/** Error response schemas shared by every route (OpenAPI documentation and serialisation). */
export const errorResponses = { '4xx': apiErrorBodySchema, '5xx': apiErrorBodySchema } as const;

/** OpenAPI `security` of routes that need no token. */
export const publicSecurity: Array<Record<string, string[]>> = [];
