import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { definitionSchemaAjvOptions, validateDefinition } from '@baton/definition';
import { describe, expect, it } from 'vitest';
import { definitionAjvOptions } from '../../../scripts/validators-plugin.ts';
import { validateInBrowser } from './browser-validate.ts';
import { checkDataSchema } from './check-data-schema.ts';

const SEED = Number(process.env.SEED ?? Date.now() % 2 ** 31);

const examplesDir = fileURLToPath(new URL('../../../../../examples', import.meta.url));
const examples = readdirSync(examplesDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, json: JSON.parse(readFileSync(`${examplesDir}/${f}`, 'utf8')) as Record<string, unknown> }));

/** A small seeded generator (mulberry32), so a failure can be replayed with SEED=…. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const junk: unknown[] = [null, 0, -1, 1.5, '', 'x', 'PT', 'strat', true, [], {}, { type: 'role' }, ['a']];

/** Replaces one random value somewhere in `value` with junk, or deletes a random property. */
function mutate(value: unknown, next: () => number): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  const paths: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown) => {
    const children: [string | number, unknown][] = Array.isArray(v)
      ? v.map((c, i) => [i, c])
      : v && typeof v === 'object'
        ? Object.entries(v)
        : [];
    for (const [key, child] of children) {
      paths.push({ parent: v as Record<string, unknown>, key });
      walk(child);
    }
  };
  walk(copy);
  const pick = paths[Math.floor(next() * paths.length)];
  if (!pick) return copy;
  const replacement = junk[Math.floor(next() * junk.length)];
  if (!Array.isArray(pick.parent) && next() < 0.2) delete pick.parent[pick.key as string];
  else (pick.parent as Record<string | number, unknown>)[pick.key] = structuredClone(replacement);
  return copy;
}

describe('validateInBrowser (precompiled, no eval)', () => {
  it('generates the definition validator with the options the package compiles it with', () => {
    expect(definitionAjvOptions).toEqual(definitionSchemaAjvOptions);
  });

  it('finds exactly what validateDefinition finds on Node, on every example', () => {
    expect(examples.length).toBeGreaterThan(5);
    for (const { file, json } of examples) expect(validateInBrowser(json), file).toEqual(validateDefinition(json));
  });

  it(`finds exactly what validateDefinition finds on Node, on 300 mutated examples (seed ${SEED})`, () => {
    console.info(`browser-validate mutation seed: ${SEED} (replay with SEED=${SEED})`);
    const next = random(SEED);
    for (let i = 0; i < 300; i++) {
      const base = examples[i % examples.length]!;
      let input = mutate(base.json, next);
      if (next() < 0.5) input = mutate(input, next);
      expect(validateInBrowser(input), `${base.file} #${i}`).toEqual(validateDefinition(input));
    }
  });

  it('judges task forms like the server: bad keywords, unknown formats, dangling $refs', () => {
    const withForm = (outputs: unknown) => {
      const def = structuredClone(examples.find((e) => e.file.endsWith('basic-owners.json'))!.json) as {
        nodes: Record<string, unknown>[];
      };
      def.nodes.find((n) => n.type === 'userTask')!.outputs = outputs;
      return def;
    };
    const forms = [
      { type: 'object', properties: { a: { type: 'strin' }, b: { minimum: 'x' } } },
      { type: 'object', properties: { d: { type: 'string', format: 'dat' } } },
      { type: 'object', properties: { d: { type: 'array', items: { format: 'emial' } } } },
      { type: 'object', properties: { r: { $ref: '#/$defs/missing' } } },
      { type: 'object', $defs: { m: { type: 'number' } }, properties: { r: { $ref: '#/$defs/m' } } },
      { type: 'object', properties: { ok: { type: 'string', format: 'date', title: '日期' } }, required: ['ok'] },
    ];
    const codes = forms.map((form) => {
      const input = withForm(form);
      const browser = validateInBrowser(input);
      expect(browser, JSON.stringify(form)).toEqual(validateDefinition(input));
      return browser.issues.map((i) => i.code);
    });
    expect(codes).toEqual([
      ['DEF_BAD_DATA_SCHEMA'],
      ['DEF_BAD_DATA_SCHEMA'],
      ['DEF_BAD_DATA_SCHEMA'],
      ['DEF_BAD_DATA_SCHEMA'],
      [],
      [],
    ]);
    expect(checkDataSchema(forms[1] as never)).toBe('unknown format "dat" ignored in schema at path "#/properties/d"');
    // Found by the property test (seed 1128506107): an empty list of choices does not compile.
    expect(checkDataSchema({ type: 'object', properties: { s: { type: 'string', enum: [] } } } as never)).toBe(
      'enum must have non-empty array',
    );
  });
});
