import type { DataSchema } from '@baton/definition';
import { describe, expect, it } from 'vitest';
import { newFormField, readTitle, toFormFields, toFormSchema } from './form-schema.ts';

describe('the form field builder', () => {
  it('reads every kind it knows and writes the same schema back', () => {
    const schema: DataSchema = {
      type: 'object',
      properties: {
        note: { type: 'string', title: '备注 / Note', 'x-title': { 'zh-CN': '备注', en: 'Note' } },
        count: { type: 'number' },
        quote: { type: 'number', minimum: 0, 'x-kind': 'money' },
        due: { type: 'string', format: 'date' },
        level: { type: 'string', enum: ['low', 'high'] },
        rep: { type: 'string', 'x-kind': 'user' },
        ok: { type: 'boolean' },
        mail: { type: 'string', format: 'email', maxLength: 80 },
      },
      required: ['note', 'ok'],
      additionalProperties: false,
    };
    const fields = toFormFields(schema);
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ['note', 'text', true],
      ['count', 'number', false],
      ['quote', 'money', false],
      ['due', 'date', false],
      ['level', 'select', false],
      ['rep', 'user', false],
      ['ok', 'boolean', true],
      ['mail', 'custom', false],
    ]);
    expect(fields[4]!.options).toEqual(['low', 'high']);
    expect(toFormSchema(fields, schema)).toEqual(schema);
  });

  it('writes bilingual titles as x-title and a combined title, and reads the examples’ "中文 / English"', () => {
    const [field] = toFormFields({
      type: 'object',
      properties: { q: { type: 'number', title: '报价金额（元）/ Quote (CNY)' } },
    });
    expect(field!.title).toEqual({ 'zh-CN': '报价金额（元）/ Quote (CNY)' });
    expect(readTitle({ title: '法务意见 / Legal opinion' })).toEqual({ 'zh-CN': '法务意见', en: 'Legal opinion' });
    expect(readTitle({ title: 'Comment' })).toEqual({ en: 'Comment' });
    const out = toFormSchema([
      { ...newFormField('text', []), title: { 'zh-CN': '意见', en: 'Opinion' }, required: true },
    ]);
    expect(out).toEqual({
      type: 'object',
      properties: {
        field1: { type: 'string', title: '意见 / Opinion', 'x-title': { 'zh-CN': '意见', en: 'Opinion' } },
      },
      required: ['field1'],
    });
  });

  it('names new fields field1, field2, … and has no form without fields', () => {
    expect(newFormField('select', ['field1']).name).toBe('field2');
    expect(newFormField('select', []).options).toEqual(['A', 'B']);
    expect(toFormSchema([])).toBeUndefined();
  });
});
