import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { apiErrors } from '../src/errors.ts';

it('docs/errors.md lists exactly the API_ codes of the registry (regenerate with `npx tsx scripts/errors-doc.ts`)', () => {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const documented = [...doc.matchAll(/^\| `(API_[A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
  expect(documented).toEqual(
    Object.entries(apiErrors)
      .map(([code, e]) => `${code} ${e.status}`)
      .sort(),
  );
});
