import { describe, expect, it } from 'vitest';
import exampleJson from '../../../../../examples/lead-to-contract/definition.json';
import { validateForm } from './validate.ts';

const assignLead = exampleJson.nodes.find((n) => n.id === 'assign-lead')!.outputs as Record<string, unknown>;

describe('validateForm', () => {
  it('accepts a valid form of the example and names each problem of an invalid one by its pointer', () => {
    expect(validateForm(assignLead, { assignedRep: 'rep1', firstContactNote: 'called' })).toEqual([]);
    expect(validateForm(assignLead, { assignedRep: '', firstContactNote: 42 })).toEqual([
      { path: '/assignedRep', keyword: 'minLength', params: { limit: 1 } },
      { path: '/firstContactNote', keyword: 'type', params: { type: 'string' } },
    ]);
    expect(validateForm(assignLead, {}).map((i) => [i.path, i.keyword])).toEqual([
      ['/assignedRep', 'required'],
      ['/firstContactNote', 'required'],
    ]);
  });

  it('checks nested objects, enums, numbers and unknown fields', () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      properties: {
        customer: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
        segment: { type: 'string', enum: ['A', 'B'] },
        amount: { type: 'number', minimum: 0, maximum: 10, multipleOf: 0.5 },
        count: { type: 'integer', exclusiveMaximum: 3 },
      },
    };
    expect(
      validateForm(schema, { customer: {}, segment: 'Z', amount: 10.25, count: 1.5, extra: 1 }).map((i) => [
        i.path,
        i.keyword,
      ]),
    ).toEqual([
      ['/customer/name', 'required'],
      ['/segment', 'enum'],
      ['/amount', 'maximum'],
      ['/amount', 'multipleOf'],
      ['/count', 'type'],
      ['/extra', 'additionalProperties'],
    ]);
    expect(validateForm(schema, { count: 2, amount: 9.5 })).toEqual([]);
  });

  it('checks formats for real (no 30 February) and patterns, lengths in characters', () => {
    const schema = {
      type: 'object',
      properties: {
        day: { type: 'string', format: 'date' },
        at: { type: 'string', format: 'date-time' },
        mail: { type: 'string', format: 'email' },
        code: { type: 'string', pattern: '^[A-Z]{2}-\\d+$' },
        name: { type: 'string', maxLength: 2 },
      },
    };
    expect(
      validateForm(schema, { day: '2025-02-30', at: '2025-03-01T09:00', mail: 'x@', code: 'ab-1', name: '张三丰' }).map(
        (i) => i.keyword,
      ),
    ).toEqual(['format', 'format', 'format', 'pattern', 'maxLength']);
    expect(
      validateForm(schema, {
        day: '2024-02-29',
        at: '2025-03-01T09:00+08:00',
        mail: 'a@b.cn',
        code: 'AB-12',
        name: '张三',
      }),
    ).toEqual([]);
  });

  it('handles arrays, combinators and conditionals', () => {
    const schema = {
      type: 'object',
      properties: {
        tags: { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true },
        kind: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      },
      if: { properties: { kind: { const: 'big' } }, required: ['kind'] },
      then: { required: ['tags'] },
    };
    expect(validateForm(schema, { kind: 'big' }).map((i) => [i.path, i.keyword])).toEqual([['/tags', 'required']]);
    expect(validateForm(schema, { kind: 3, tags: ['a', 'a', 1] }).map((i) => [i.path, i.keyword])).toEqual([
      ['/kind', 'anyOf'],
      ['/tags', 'uniqueItems'],
      ['/tags/2', 'type'],
    ]);
    expect(validateForm(schema, { kind: null, tags: ['a'] })).toEqual([]);
  });
});
