import type { Ajv2020 } from 'ajv/dist/2020.js';
import { fullFormats } from 'ajv-formats/dist/formats.js';

const RFC3339_WITHOUT_SECONDS = /^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2})([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Every string `format` a data or form schema may declare, checked for real (ajv-formats, full
 * mode): `date` refuses `2025-02-30`, `email` checks the address, and so on. `date-time` also
 * accepts a time without seconds (`2025-01-05T10:00Z`), as the server always has.
 */
export const dataFormatNames: readonly string[] = Object.keys(fullFormats).sort();

/**
 * Adds {@link dataFormatNames} to an Ajv instance, so that the definition validator, task forms
 * and instance data judge formats the same way (issue 8). Pure.
 *
 * @example
 * const ajv = new Ajv2020({ allErrors: true, strict: false });
 * addDataFormats(ajv);
 * ajv.validate({ type: 'string', format: 'date' }, '2025-02-30'); // false
 */
export function addDataFormats(ajv: Ajv2020): Ajv2020 {
  for (const [name, format] of Object.entries(fullFormats)) ajv.addFormat(name, format);
  const dateTime = fullFormats['date-time'] as { validate: (s: string) => boolean };
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (s: string) => dateTime.validate(s.replace(RFC3339_WITHOUT_SECONDS, '$1:00$2')),
  });
  return ajv;
}
