import { type ProcessDefinition, type ValidateDefinitionResult, validateDefinition } from '@baton/definition';
import { describe, expect, it } from 'vitest';
import exampleJson from '../../../../../examples/lead-to-contract/definition.json';
import { definitionFileName, parseDefinitionFile, serializeDefinition } from './definition-file.ts';

const example = exampleJson as ProcessDefinition;
const validate = (input: unknown) => validateDefinition(input);

describe('definition files', () => {
  it('export and import the example unchanged', () => {
    expect(definitionFileName(example)).toBe('lead-to-contract.json');
    const text = serializeDefinition(example);
    expect(text.endsWith('}\n')).toBe(true);
    const result = parseDefinitionFile(text, { expectedKey: 'lead-to-contract', validate });
    expect(result).toMatchObject({ ok: true, validated: true });
    expect(result.ok && result.definition).toEqual(example);
    // A byte-order mark, as some editors on Windows write, is fine.
    expect(parseDefinitionFile(`\uFEFF${text}`, { validate }).ok).toBe(true);
  });

  it('refuses text that is not JSON, saying why', () => {
    const result = parseDefinitionFile('{ "key": ', { validate });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]).toMatchObject({ kind: 'notJson', path: '' });
  });

  it('refuses a definition of another process, naming both keys', () => {
    const result = parseDefinitionFile(serializeDefinition({ ...example, key: 'other-process' }), {
      expectedKey: 'lead-to-contract',
      validate,
    });
    expect(!result.ok && result.problems).toEqual([
      { kind: 'keyMismatch', path: '/key', found: 'other-process', expected: 'lead-to-contract' },
    ]);
  });

  it('refuses an invalid definition with every validator error and its JSON Pointer', () => {
    const broken = { ...example, edges: [...example.edges, { id: 'e-x', from: 'legal-review', to: 'nowhere' }] };
    const result = parseDefinitionFile(JSON.stringify(broken), { validate });
    expect(result.ok).toBe(false);
    const problems = !result.ok ? result.problems : [];
    expect(problems.map((p) => p.kind === 'issue' && [p.issue.code, p.path])).toContainEqual([
      'DEF_UNKNOWN_TARGET',
      `/edges/${example.edges.length}/to`,
    ]);
  });

  it('falls back to a structural check when the validator cannot run in this page', () => {
    const unavailable = (): ValidateDefinitionResult => ({
      ok: false,
      issues: [{ code: 'DEF_INTERNAL', severity: 'error', path: '', message: 'EvalError' }],
    });
    const ok = parseDefinitionFile(serializeDefinition(example), { validate: unavailable });
    expect(ok).toMatchObject({ ok: true, validated: false });
    const bad = parseDefinitionFile('{"schemaVersion":1,"key":"k","nodes":[{"id":3}],"edges":{}}', {
      validate: unavailable,
    });
    expect(!bad.ok && bad.problems.map((p) => p.path)).toEqual(['/nodes/0/id', '/nodes/0/type', '/edges']);
  });
});
