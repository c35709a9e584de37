/**
 * Checks a data or form schema the way ajv's `compile` would, without compiling it (no code
 * generation under the CSP): the JSON Schema 2020-12 meta-schema (ajv standalone code generated
 * at build time), then every `format` against the formats the server knows, then local `$ref`s.
 *
 * @module
 */
import { dataFormatNames, resolveJsonPointer, type DataSchema } from '@baton/definition';
import { validate as validateMetaSchema } from 'virtual:baton-validators/json-schema-meta';

const knownFormats = new Set(dataFormatNames);

/** Keywords whose value is one subschema. */
const schemaKeywords = [
  'additionalProperties',
  'items',
  'additionalItems',
  'contains',
  'not',
  'if',
  'then',
  'else',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
] as const;
/** Keywords whose value maps names to subschemas. */
const mapKeywords = ['$defs', 'definitions', 'properties', 'patternProperties', 'dependentSchemas'] as const;
/** Keywords whose value is a list of subschemas. */
const listKeywords = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;

const escapeSegment = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every subschema of `schema` with its schema path (`#/properties/a`), depth first in document order. */
function* subschemas(schema: unknown, path: string): Generator<[Record<string, unknown>, string]> {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return;
  const s = schema as Record<string, unknown>;
  yield [s, path];
  for (const key of Object.keys(s)) {
    const value = s[key];
    if ((schemaKeywords as readonly string[]).includes(key)) yield* subschemas(value, `${path}/${key}`);
    else if ((mapKeywords as readonly string[]).includes(key) && value && typeof value === 'object')
      for (const [name, child] of Object.entries(value))
        yield* subschemas(child, `${path}/${key}/${escapeSegment(name)}`);
    else if ((listKeywords as readonly string[]).includes(key) && Array.isArray(value))
      for (const [i, child] of value.entries()) yield* subschemas(child, `${path}/${key}/${i}`);
  }
}

/**
 * `undefined` when `schema` would compile on the server, else the message ajv's `compile` throws
 * there (`validateDefinition` turns it into a `DEF_BAD_DATA_SCHEMA` issue). Pure; never throws.
 *
 * @example
 * checkDataSchema({ type: 'object', properties: { d: { type: 'string', format: 'dat' } } });
 * // 'unknown format "dat" ignored in schema at path "#/properties/d"'
 */
export function checkDataSchema(schema: DataSchema): string | undefined {
  if (!validateMetaSchema(schema)) {
    const errors = validateMetaSchema.errors ?? [];
    return `schema is invalid: ${errors.map((e) => `data${e.instancePath} ${e.message ?? 'is invalid'}`).join(', ')}`;
  }
  for (const [sub, path] of subschemas(schema, '#')) {
    // The meta-schema allows `enum: []`; ajv's enum keyword refuses it when compiling.
    if (Array.isArray(sub.enum) && sub.enum.length === 0) return 'enum must have non-empty array';
    if (typeof sub.format === 'string' && !knownFormats.has(sub.format))
      return `unknown format "${sub.format}" ignored in schema at path "${path}"`;
    if (typeof sub.$ref === 'string') {
      const ref = sub.$ref;
      const local = ref.startsWith('#') && resolveJsonPointer(schema, decodeURIComponent(ref.slice(1))).found;
      if (!local) return `can't resolve reference ${ref} from id #`;
    }
  }
  return undefined;
}
