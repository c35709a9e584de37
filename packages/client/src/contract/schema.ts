/**
 * Small builders shared by the contract modules, on top of TypeBox's `Type` (schema builders
 * only: the contract never uses TypeBox's compiler or `Value`, which evaluate code). Each builder
 * returns a plain JSON Schema object that ajv and `@fastify/swagger` take as it is, typed so that
 * `Static<typeof schema>` is the TypeScript type of the values it accepts.
 *
 * @module
 */
import { Type, type Static, type TSchema, type TUnsafe } from 'typebox';

/** A string that is one of `values`: `{ type: 'string', enum: values }`. */
export function stringEnum<const V extends readonly string[]>(
  values: V,
  options: { description?: string } = {},
): TUnsafe<V[number]> {
  return Type.Unsafe<V[number]>({ type: 'string', enum: values, ...options });
}

/** `schema` or `null`: the schema's single `type` widened to `[type, 'null']`. */
export function nullable<T extends TSchema & { type: string }>(schema: T): TUnsafe<Static<T> | null> {
  const { type, ...rest } = schema as unknown as { type: string } & Record<string, unknown>;
  return Type.Unsafe<Static<T> | null>({ type: [type, 'null'], ...rest });
}

/** An object with any fields: `{ type: 'object', additionalProperties: true }`. */
export function freeObject(options: { description?: string } = {}): TUnsafe<Record<string, unknown>> {
  return Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, ...options });
}

/** The pattern of a timestamp in a query string: a date, or a date and time (ISO 8601, offset optional). */
export const queryTimestampPattern =
  '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?(Z|[+-]\\d{2}:\\d{2})?)?$';

/** An ISO 8601 timestamp string. */
export const timestamp = Type.String({ description: 'ISO 8601 timestamp' });
/** An ISO 8601 timestamp string, or null. */
export const nullableTimestamp = Type.Unsafe<string | null>({
  type: ['string', 'null'],
  description: 'ISO 8601 timestamp',
});
/** An integer or null. */
export const nullableInteger = Type.Unsafe<number | null>({ type: ['integer', 'null'] });
/** A string or null. */
export const nullableString = Type.Unsafe<string | null>({ type: ['string', 'null'] });

/** An object whose fields the server checks itself (a form, instance data): `{ type: 'object' }`. */
export function someObject(options: { description?: string } = {}): TUnsafe<Record<string, unknown>> {
  return Type.Unsafe<Record<string, unknown>>({ type: 'object', ...options });
}
