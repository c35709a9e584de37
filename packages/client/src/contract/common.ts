/**
 * The shared vocabulary of the contract: roles, locales, version states, key patterns, localized
 * labels, the empty command body, the `Idempotency-Key` header and the health answer.
 *
 * @module
 */
import { Type, type Static } from 'typebox';
import { nullable, stringEnum } from './schema.ts';

/** The roles a user can hold. */
export const roles = ['admin', 'owner', 'operator', 'participant'] as const;
/** @see roles */
export type Role = (typeof roles)[number];

/** The UI languages. */
export const locales = ['zh-CN', 'en'] as const;
/** @see locales */
export type Locale = (typeof locales)[number];

/** Whether a version draws the process as it runs today or as it should run. */
export const versionStates = ['current', 'target'] as const;
/** @see versionStates */
export type VersionState = (typeof versionStates)[number];

/** The lifecycle of a process version. */
export const versionStatuses = ['draft', 'published', 'retired'] as const;
/** @see versionStatuses */
export type VersionStatus = (typeof versionStatuses)[number];

/** The pattern of process-model keys; the same as a definition's `key`. */
export const modelKeyPattern = '^[a-z0-9][a-z0-9-]{0,62}$';
/** The pattern of usernames. */
export const usernamePattern = '^[a-z0-9][a-z0-9._-]{0,63}$';
/** The pattern of business positions (`sales-rep`, `legal-manager`). */
export const positionPattern = '^[a-z0-9][a-z0-9._-]{0,63}$';
/** The pattern of instance ids (uuids, either case). */
export const uuidPattern = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** Schema of {@link LocalizedText} in request bodies: at least one language, 1–200 characters each. */
export const localizedTextSchema = Type.Object(
  {
    'zh-CN': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    en: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
/** A label in both UI languages; at least one is required. */
export type LocalizedText = Static<typeof localizedTextSchema>;

/** Schema of a {@link LocalizedText} in answers (not checked, every field kept). */
export const localizedTextResponseSchema = Type.Object({
  'zh-CN': Type.Optional(Type.String()),
  en: Type.Optional(Type.String()),
});

/**
 * Body schema of commands that take no fields (claim, urge, incident retry): no body, `null`
 * or `{}`; any field is refused (the server owns every other value).
 */
export const emptyBodySchema = nullable(Type.Object({}, { additionalProperties: false }));

/** The header that makes a write safe to repeat: same key, same user, same route → the stored answer. */
export const idempotencyKeyHeader = 'idempotency-key';

/**
 * Header schema of the commands that accept an `Idempotency-Key` (listed in OpenAPI as a header
 * parameter). Its form (1–200 visible ASCII characters) is checked by the server, which answers
 * `API_BAD_REQUEST` otherwise.
 */
export const idempotencyKeyHeadersSchema = Type.Object({
  [idempotencyKeyHeader]: Type.Optional(
    Type.String({
      description:
        'Makes the command safe to repeat: the same key from the same user on the same route answers the stored first answer (with `Idempotent-Replayed: true`) and applies the change once. 1 to 200 visible ASCII characters, e.g. a uuid; one key per intended change.',
    }),
  ),
});
/** @see idempotencyKeyHeadersSchema */
export type IdempotencyKeyHeaders = Static<typeof idempotencyKeyHeadersSchema>;

/** Schema of {@link Health}. */
export const healthSchema = Type.Object({
  status: stringEnum(['ok'] as const),
  database: stringEnum(['pglite', 'postgres'] as const),
});
/** The answer of `GET /api/health`. */
export type Health = Static<typeof healthSchema>;
