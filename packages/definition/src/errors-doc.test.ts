import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calendarErrorCodes, calendarIssueCodes } from './calendar/index.ts';
import { definitionIssueCodes } from './errors.ts';
import { expressionErrorCodes } from './expression/index.ts';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const documented = (prefix: string) =>
  [...doc.matchAll(/^\| `([A-Z]+_[A-Z_]+)` \|/gm)]
    .map((m) => m[1]!)
    .filter((c) => c.startsWith(prefix))
    .sort();

describe('docs/errors.md', () => {
  it.each([
    ['DEF_', definitionIssueCodes],
    ['CAL_', { ...calendarIssueCodes, ...calendarErrorCodes }],
    ['EXPR_', expressionErrorCodes],
  ])(
    'lists exactly the %s codes of the registry (regenerate with `npx tsx scripts/errors-doc.ts`)',
    (prefix, registry) => {
      expect(documented(prefix)).toEqual(Object.keys(registry).sort());
    },
  );
});
