import { describe, expect, it } from 'vitest';
import { getAt, issuesUnder, labelOf, pointerOf, setAt, withEmptyGroups } from './form-values.ts';

describe('form values', () => {
  it('sets and clears nested values without touching the others', () => {
    let v = setAt({ a: 1 }, ['customer', 'name'], 'ACME');
    expect(v).toEqual({ a: 1, customer: { name: 'ACME' } });
    v = setAt(v, ['customer', 'phone'], '123');
    expect(getAt(v, ['customer', 'phone'])).toBe('123');
    v = setAt(v, ['customer', 'name'], '');
    expect(v).toEqual({ a: 1, customer: { phone: '123' } });
    v = setAt(v, ['customer', 'phone'], undefined);
    expect(v).toEqual({ a: 1 });
    expect(setAt(v, ['ok'], false)).toEqual({ a: 1, ok: false });
    expect(setAt(v, ['n'], 0)).toEqual({ a: 1, n: 0 });
  });

  it('maps server paths onto form fields and labels titles in the current language', () => {
    expect(pointerOf(['customer', 'a/b'])).toBe('/customer/a~1b');
    expect(issuesUnder([{ path: '/output/x' }, { path: '/decision' }], '/output')).toEqual([
      { path: '/x' },
      { path: '' },
    ]);
    expect(labelOf({ title: '负责销售 / Assigned rep' }, 'assignedRep', 'en')).toBe('Assigned rep');
    expect(labelOf({ title: 'Assigned rep / 负责销售' }, 'assignedRep', 'zh-CN')).toBe('负责销售');
    expect(labelOf({ 'x-title': { en: 'Note' } }, 'note', 'zh-CN')).toBe('Note');
    expect(labelOf({}, 'leadId', 'zh-CN')).toBe('leadId');
  });
});

describe('withEmptyGroups', () => {
  it('fills groups left out so their own fields are named', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'string' }, customer: { type: 'object', properties: { name: { type: 'string' } } } },
    };
    expect(withEmptyGroups(schema, { a: 'x' })).toEqual({ a: 'x', customer: {} });
    expect(withEmptyGroups(schema, { customer: { name: 'n' } })).toEqual({ customer: { name: 'n' } });
  });
});
