import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import definitionSchema from '../schema/definition.schema.json' with { type: 'json' };
import { definitionSchemaAjvOptions, type SchemaValidateFunction } from './precompiled-validators.ts';
import type { ProcessDefinition } from './types.ts';
import { validateDefinition } from './validate-definition.ts';

const small = (outputs?: ProcessDefinition['nodes'][number]['outputs']): ProcessDefinition => ({
  schemaVersion: 1,
  key: 'small',
  name: { en: 'Small' },
  nodes: [
    { id: 'start', type: 'start' },
    { id: 'task', type: 'userTask', owner: { type: 'initiator' }, ...(outputs ? { outputs } : {}) },
    { id: 'end', type: 'end' },
  ],
  edges: [
    { id: 'e1', from: 'start', to: 'task' },
    { id: 'e2', from: 'task', to: 'end' },
  ],
});

/** A validator compiled the way a build step would (here at run time, to count its calls). */
function countingValidator(): SchemaValidateFunction & { calls: number } {
  const compiled = new Ajv2020({ ...definitionSchemaAjvOptions }).compile(definitionSchema);
  const wrapper = Object.assign(
    (data: unknown) => {
      wrapper.calls++;
      const ok = compiled(data);
      wrapper.errors = compiled.errors;
      return ok;
    },
    { calls: 0, errors: null as SchemaValidateFunction['errors'] },
  );
  return wrapper;
}

describe('validateDefinition with precompiled validators (a browser under a CSP without unsafe-eval)', () => {
  it('uses the given definition-schema validator and makes the same issues from its errors', () => {
    const definitionSchemaValidator = countingValidator();
    const broken = { ...small(), nodes: [{ id: 'start', type: 'strat' }], extra: 1 };
    const precompiled = validateDefinition(broken, { precompiled: { definitionSchema: definitionSchemaValidator } });
    expect(definitionSchemaValidator.calls).toBe(1);
    expect(precompiled).toEqual(validateDefinition(broken));
    expect(precompiled.issues.map((i) => i.code).sort()).toEqual(['DEF_UNKNOWN_KIND', 'DEF_UNKNOWN_PROPERTY']);
  });

  it('asks the given data-schema check about forms instead of compiling them, and reports its message', () => {
    const seen: unknown[] = [];
    const outputs = { type: 'object' as const, properties: { note: { type: 'string', format: 'emial' } } };
    const result = validateDefinition(small(outputs), {
      precompiled: {
        definitionSchema: countingValidator(),
        checkDataSchema: (schema) => {
          seen.push(schema);
          return 'unknown format "emial" ignored in schema at path "#/properties/note"';
        },
      },
    });
    expect(seen).toEqual([outputs]);
    expect(result).toEqual(validateDefinition(small(outputs)));
    expect(result.issues[0]).toMatchObject({ code: 'DEF_BAD_DATA_SCHEMA', path: '/nodes/1/outputs' });
    expect(result.issues[0]!.message).toContain('Did you mean "email"?');

    const fine = validateDefinition(small(outputs), {
      precompiled: { definitionSchema: countingValidator(), checkDataSchema: () => undefined },
    });
    expect(fine.ok).toBe(true);
  });

  it('without precompiled validators behaves as before (compiles with ajv)', () => {
    const outputs = { type: 'object' as const, properties: { n: { type: 'number', minimum: 'x' } } };
    const result = validateDefinition(small(outputs));
    expect(result.ok).toBe(false);
    expect(result.issues[0]!.message).toContain('the schema does not compile: schema is invalid');
  });
});
