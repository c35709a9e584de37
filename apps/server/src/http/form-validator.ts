import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { type ApiIssue, reservedFieldNames } from '@baton/client/contract';
import { type DataSchema, addDataFormats } from '@baton/definition';
import { escapePointerSegment, toSchemaIssues } from './validator.ts';

// Forms and instance data are checked with their own Ajv (draft 2020-12, like the definition's
// data schemas): every error collected, no coercion, no defaults written into the user's data.
// Formats are checked for real, as the definition validator does (ajv-formats: `2025-02-30` is
// no date, `email` is checked; issue 8). A format unknown to it is refused at publish; a version
// published before keeps compiling (`strict: false` ignores it).
const ajv = addDataFormats(
  new Ajv2020({ allErrors: true, strict: false, logger: false, coerceTypes: false, useDefaults: false, verbose: true }),
);

/** Checks a value against a JSON Schema and returns issues whose paths start with `prefix` (e.g. `/output`). */
export type FormValidator = (value: Record<string, unknown>) => ApiIssue[];

/**
 * Compiles a form or data schema into a {@link FormValidator}. Besides the schema itself it
 * refuses reserved field names (`now`, `initiator`, `businessKey`, `instance`: docs/reliability.md G4)
 * and, when `onlyDeclared` is set and the schema does not allow additional properties
 * explicitly, every top-level field the schema does not declare (a form may write only its own
 * fields). A null schema accepts only an empty object when `onlyDeclared` is set.
 */
export function compileFormValidator(
  schema: DataSchema | null | undefined,
  prefix: string,
  onlyDeclared: boolean,
): FormValidator {
  let validate: ValidateFunction | undefined;
  if (schema) {
    try {
      validate = ajv.compile(schema);
    } catch {
      // validateDefinition compiled the same schema at publish time; should it fail here, the
      // reserved-name and declared-field checks still apply.
      validate = undefined;
    }
  }
  const declared = new Set(Object.keys(schema?.properties ?? {}));
  // additionalProperties: false is reported by Ajv itself; true or a schema allows other fields.
  const checkDeclared =
    onlyDeclared && (schema?.additionalProperties === undefined || schema === null || schema === undefined);
  return (value) => {
    const issues: ApiIssue[] = [];
    for (const key of Object.keys(value)) {
      const path = `${prefix}/${escapePointerSegment(key)}`;
      if ((reservedFieldNames as readonly string[]).includes(key)) {
        issues.push({
          path,
          code: 'API_RESERVED_FIELD',
          message: `At ${path}: "${key}" is a reserved name the engine supplies itself (${reservedFieldNames.join(', ')}); it cannot be written. Remove it.`,
        });
      } else if (checkDeclared && !declared.has(key)) {
        issues.push({
          path,
          code: 'API_UNDECLARED_FIELD',
          message: `At ${path}: "${key}" is not a field of this form${declared.size > 0 ? ` (fields: ${[...declared].join(', ')})` : ' (it has no fields)'}. Remove it.`,
        });
      }
    }
    if (validate && !validate(value)) {
      const errors = (validate.errors ?? []).map((e: ErrorObject) => ({
        ...e,
        instancePath: `${prefix}${e.instancePath}`,
      }));
      issues.push(...toSchemaIssues(errors, 'body'));
    }
    return issues;
  };
}
