import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { cliIssueCodes } from '../src/errors.ts';

it('docs/errors.md lists exactly the CLI_ codes of the registry (regenerate with `npx tsx scripts/errors-doc.ts`)', () => {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const documented = [...doc.matchAll(/^\| `(CLI_[A-Z_]+)` \|/gm)].map((m) => m[1]!).sort();
  expect(documented).toEqual(Object.keys(cliIssueCodes).sort());
});
