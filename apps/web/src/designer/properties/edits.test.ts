import type { ProcessDefinition } from '@baton/definition';
import { describe, expect, it } from 'vitest';
import {
  declaredFields,
  fieldPermission,
  findEdge,
  findNode,
  knownFieldNames,
  updateEdge,
  updateNode,
  withFieldPermission,
  withLocalized,
} from './edits.ts';

const definition: ProcessDefinition = {
  schemaVersion: 1,
  key: 'edits',
  name: { en: 'Edits' },
  data: { type: 'object', properties: { amount: { type: 'number', title: '金额 / Amount' } } },
  nodes: [
    { id: 'start', type: 'start' },
    {
      id: 'review',
      type: 'userTask',
      inputs: ['amount'],
      outputs: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
    },
    {
      id: 'sp',
      type: 'subProcess',
      nodes: [{ id: 'calc', type: 'automaticTask', action: { kind: 'compute', set: { total: 'amount * 2' } } }],
      edges: [{ id: 'inner', from: 'calc', to: 'calc' }],
    },
  ],
  edges: [{ id: 'e1', from: 'start', to: 'review' }],
};

describe('definition edits', () => {
  it('finds and updates nodes and edges inside sub-processes without touching the input', () => {
    const frozen = structuredClone(definition);
    expect(findNode(definition, 'calc')?.type).toBe('automaticTask');
    expect(findEdge(definition, 'inner')?.edge.from).toBe('calc');
    const renamed = updateNode(definition, 'calc', (n) => ({ ...n, name: { en: 'Calculate' } }));
    expect(findNode(renamed, 'calc')?.name).toEqual({ en: 'Calculate' });
    expect(renamed.nodes[0]).toBe(definition.nodes[0]);
    const conditioned = updateEdge(renamed, 'inner', (e) => ({ ...e, condition: 'true' }));
    expect(findEdge(conditioned, 'inner')?.edge.condition).toBe('true');
    expect(updateNode(definition, 'nope', (n) => n)).toBe(definition);
    expect(definition).toEqual(frozen);
  });

  it('sets one language of a label and drops empty labels', () => {
    expect(withLocalized({ en: 'A' }, 'zh-CN', '甲')).toEqual({ en: 'A', 'zh-CN': '甲' });
    expect(withLocalized({ en: 'A', 'zh-CN': '甲' }, 'en', ' ')).toEqual({ 'zh-CN': '甲' });
    expect(withLocalized({ en: 'A' }, 'en', '')).toBeUndefined();
  });

  it('lists the declared fields the validator accepts', () => {
    expect(declaredFields(definition).map((f) => [f.name, f.declaredBy])).toEqual([
      ['amount', 'data'],
      ['ok', 'review'],
      ['total', 'calc'],
    ]);
    expect([...knownFieldNames(definition)]).toEqual(expect.arrayContaining(['now', 'initiator', 'amount', 'total']));
  });

  it('moves a field between read, edit and hidden on a step', () => {
    const review = () => findNode(current, 'review')!;
    let current = definition;
    expect(fieldPermission(review(), 'amount')).toBe('read');
    expect(fieldPermission(review(), 'ok')).toBe('edit');
    current = withFieldPermission(current, 'review', 'amount', 'edit');
    expect(review().inputs).toBeUndefined();
    expect(review().outputs?.properties?.amount).toEqual({ type: 'number', title: '金额 / Amount' });
    current = withFieldPermission(current, 'review', 'ok', 'hidden');
    expect(review().outputs).toEqual({
      type: 'object',
      properties: { amount: { type: 'number', title: '金额 / Amount' } },
    });
    current = withFieldPermission(current, 'review', 'amount', 'read');
    expect(review().inputs).toEqual(['amount']);
    expect(review().outputs).toBeUndefined();
  });
});
