/**
 * The injection point for validators compiled ahead of time, so that {@link validateDefinition}
 * runs where generating code at run time is forbidden (a browser page whose Content-Security-Policy
 * has no `unsafe-eval`: ajv compiles schemas with `new Function`). Without it, nothing changes:
 * the package compiles the schemas with ajv at first use, as it always has on Node.
 *
 * @module
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { DataSchema } from './types.ts';

/**
 * A validate function as ajv produces it (and ajv's standalone code exports it): `true` when
 * the data is valid, else `false` with the errors in `errors`.
 */
export interface SchemaValidateFunction {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/**
 * The ajv options the definition schema is compiled with. A precompiled
 * {@link PrecompiledValidators.definitionSchema} must be generated with the same options (ajv
 * standalone code: add `code: { source: true, esm: true }`), so that its errors, and the issues
 * made from them, are those of the run-time compile.
 */
export const definitionSchemaAjvOptions = {
  allErrors: true,
  discriminator: true,
  strict: false,
  verbose: true,
} as const;

/**
 * Validators compiled ahead of time, handed to `validateDefinition(json, { precompiled })`.
 *
 * @example
 * import { validate } from './definition-schema.standalone.js'; // ajv standalone code
 * validateDefinition(json, { precompiled: { definitionSchema: validate, checkDataSchema } });
 */
export interface PrecompiledValidators {
  /** `schema/definition.schema.json` compiled with {@link definitionSchemaAjvOptions}. */
  definitionSchema: SchemaValidateFunction;
  /**
   * Checks that a data or form schema (`data`, a node's `outputs`) would compile: returns
   * `undefined` when it would, else the message ajv's `compile` would throw (`schema is invalid:
   * data/… must be …`, `unknown format "x" ignored in schema at path "#/…"`). When absent, such
   * schemas are compiled with ajv at run time.
   */
  checkDataSchema?: (schema: DataSchema) => string | undefined;
}
