import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { addDataFormats } from './data-formats.ts';
import { validateDefinition } from './validate-definition.ts';

// Issue 8, defect 5: formats were not checked for real (`2025-02-30` passed as a date) and an
// unknown format (`email`, or a typo) checked nothing, silently.
function withForm(properties: Record<string, unknown>): Record<string, unknown> {
  return {
    schemaVersion: 1,
    key: 'fmt',
    name: { en: 'Formats' },
    data: { type: 'object', properties: { contact: { type: 'string', format: 'email' } } },
    nodes: [
      { id: 'start', type: 'start' },
      { id: 'form', type: 'userTask', owner: { type: 'initiator' }, outputs: { type: 'object', properties } },
      { id: 'end', type: 'end' },
    ],
    edges: [
      { id: 'e1', from: 'start', to: 'form' },
      { id: 'e2', from: 'form', to: 'end' },
    ],
  };
}

describe('issue 8: data formats', () => {
  it('checks dates, date-times and e-mail addresses for real', () => {
    const ajv = addDataFormats(new Ajv2020({ strict: false }));
    const valid = (format: string, value: string) => ajv.validate({ type: 'string', format }, value);
    expect(valid('date', '2025-02-30')).toBe(false);
    expect(valid('date', '2024-02-29')).toBe(true);
    expect(valid('date', '2025-02-29')).toBe(false);
    expect(valid('date-time', '2025-02-30T10:00:00Z')).toBe(false);
    expect(valid('date-time', '2025-01-05T10:00Z')).toBe(true);
    expect(valid('date-time', '2025-01-05T10:00:00.5+08:00')).toBe(true);
    expect(valid('email', 'not an address')).toBe(false);
    expect(valid('email', 'li.lei@example.cn')).toBe(true);
  });

  it('accepts a form and data schema with known formats', () => {
    const result = validateDefinition(
      withForm({ closeDate: { type: 'string', format: 'date' }, site: { type: 'string', format: 'uri' } }),
    );
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('reports an unknown format with its JSON Pointer path and the closest known one', () => {
    const result = validateDefinition(withForm({ contactMail: { type: 'string', format: 'emial' } }));
    expect(result.ok).toBe(false);
    const issue = result.ok ? undefined : result.issues.find((i) => i.code === 'DEF_BAD_DATA_SCHEMA');
    expect(issue).toMatchObject({ path: '/nodes/1/outputs', severity: 'error' });
    expect(issue?.message).toContain('/properties/contactMail');
    expect(issue?.message).toContain('format "emial" is unknown');
    expect(issue?.message).toContain('Did you mean "email"?');
  });
});
