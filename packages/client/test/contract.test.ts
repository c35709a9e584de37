import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as contract from '../src/contract/index.ts';

const contractDir = new URL('../src/contract/', import.meta.url);

/** Every object schema inside `schema` (itself, properties, items, branches) that lists properties. */
function objectSchemas(schema: unknown, path = ''): Array<{ path: string; schema: Record<string, unknown> }> {
  if (typeof schema !== 'object' || schema === null) return [];
  const s = schema as Record<string, unknown>;
  const found: Array<{ path: string; schema: Record<string, unknown> }> = [];
  if (s.properties && Object.keys(s.properties).length > 0) found.push({ path: path || '/', schema: s });
  for (const [name, property] of Object.entries((s.properties ?? {}) as Record<string, unknown>))
    found.push(...objectSchemas(property, `${path}/${name}`));
  if (s.items) found.push(...objectSchemas(s.items, `${path}/items`));
  for (const [index, branch] of ((s.oneOf ?? s.anyOf ?? []) as unknown[]).entries())
    found.push(...objectSchemas(branch, `${path}/oneOf/${index}`));
  return found;
}

describe('the contract', () => {
  it('request body schemas reject unknown fields at every level that lists its fields', () => {
    // apiErrorBodySchema is an answer, not a request.
    const bodies = Object.entries(contract).filter(
      ([name]) => name.endsWith('BodySchema') && name !== 'apiErrorBodySchema',
    );
    expect(bodies.length).toBeGreaterThan(10);
    const loose = bodies.flatMap(([name, schema]) =>
      objectSchemas(schema)
        .filter(({ schema: s }) => s.additionalProperties !== false)
        .map(({ path }) => `${name} at ${path}`),
    );
    expect(loose).toEqual([]);
  });

  it('uses only TypeBox schema builders and types, never its compiler or Value (they evaluate code)', () => {
    const files = readdirSync(contractDir).filter((f) => f.endsWith('.ts'));
    const imports = files.flatMap((file) =>
      [...readFileSync(new URL(file, contractDir), 'utf8').matchAll(/from '(typebox[^']*)'/g)].map(
        (m) => `${file}: ${m[1]}`,
      ),
    );
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((i) => !i.endsWith(': typebox'))).toEqual([]);
    for (const file of files)
      expect(readFileSync(new URL(file, contractDir), 'utf8')).not.toMatch(/\b(Compile|Value)\s*[.(]/);
  });

  it('schemas are plain JSON: what ajv and the OpenAPI document see is what the JSON text says', () => {
    for (const [name, value] of Object.entries(contract)) {
      if (typeof value !== 'object' || value === null || !name.endsWith('Schema')) continue;
      expect(
        Object.keys(value).every((k) => !k.startsWith('~')),
        name,
      ).toBe(true);
    }
  });
});
