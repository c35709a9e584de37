/** The definition schema as ajv standalone code, generated at build time (scripts/validators-plugin.ts). */
declare module 'virtual:baton-validators/definition-schema' {
  import type { SchemaValidateFunction } from '@baton/definition';
  export const validate: SchemaValidateFunction;
}

/** The JSON Schema 2020-12 meta-schema as ajv standalone code, generated at build time. */
declare module 'virtual:baton-validators/json-schema-meta' {
  import type { SchemaValidateFunction } from '@baton/definition';
  export const validate: SchemaValidateFunction;
}
