/**
 * `validateDefinition` as the browser runs it: with the validators generated at build time
 * (ajv standalone code), so no schema is compiled with `new Function` under the app's CSP.
 *
 * @module
 */
import {
  validateDefinition,
  type PrecompiledValidators,
  type ValidateDefinitionOptions,
  type ValidateDefinitionResult,
} from '@baton/definition';
import { validate as validateDefinitionSchema } from 'virtual:baton-validators/definition-schema';
import { checkDataSchema } from './check-data-schema.ts';

/** The precompiled validators of the web app (see `scripts/validators-plugin.ts`). */
export const browserValidators: PrecompiledValidators = { definitionSchema: validateDefinitionSchema, checkDataSchema };

/**
 * Validates a definition in the browser: the same issues as on the server, without `eval`.
 * Pure; never throws.
 *
 * @example
 * const { issues } = validateInBrowser(definition, { calendars: ['cn-mainland'] });
 */
export function validateInBrowser(
  input: unknown,
  options: Omit<ValidateDefinitionOptions, 'precompiled'> = {},
): ValidateDefinitionResult {
  return validateDefinition(input, { ...options, precompiled: browserValidators });
}
