import { describe, expect, it } from 'vitest';
import { canonicalJson, diffDefinitions } from './diff-definitions.ts';
import type { ProcessDefinition } from './types.ts';

const v1: ProcessDefinition = {
  schemaVersion: 1,
  key: 'lead-to-contract',
  name: { en: 'Lead to contract' },
  nodes: [
    { id: 'start', type: 'start', layout: { x: 0, y: 0 } },
    {
      id: 'legal',
      type: 'userTask',
      owner: { type: 'role', role: 'legal' },
      deadline: { duration: 'PT72H' },
      layout: { x: 100, y: 0 },
    },
    { id: 'meeting', type: 'userTask', owner: { type: 'role', role: 'sales-manager' } },
    { id: 'end', type: 'end' },
  ],
  edges: [
    { id: 'e1', from: 'start', to: 'legal' },
    { id: 'e2', from: 'legal', to: 'meeting' },
    { id: 'e3', from: 'meeting', to: 'end' },
  ],
};

describe('diffDefinitions', () => {
  it('finds nothing between a definition and itself', () => {
    const d = diffDefinitions(v1, structuredClone(v1));
    expect(d).toEqual({
      process: [],
      nodes: { added: [], removed: [], changed: [] },
      edges: { added: [], removed: [], changed: [] },
      layoutOnly: true,
    });
  });

  it('lists added, removed and changed nodes and edges with the changed fields', () => {
    const v2 = structuredClone(v1);
    v2.name = { en: 'Lead to contract', 'zh-CN': '线索到合同' };
    v2.nodes[1] = {
      ...v2.nodes[1]!,
      owner: { type: 'role', role: 'legal-team' },
      deadline: { duration: 'PT48H', escalations: [{ at: 1, action: { type: 'remind' } }] },
    };
    v2.nodes.splice(2, 1);
    v2.nodes.push({ id: 'sign', type: 'event', event: 'contract.signed' });
    v2.edges = [
      { id: 'e1', from: 'start', to: 'legal' },
      { id: 'e2', from: 'legal', to: 'sign' },
      { id: 'e4', from: 'sign', to: 'end' },
    ];
    const d = diffDefinitions(v1, v2);
    expect(d.process.map((f) => f.field)).toEqual(['name']);
    expect(d.nodes.added.map((n) => n.id)).toEqual(['sign']);
    expect(d.nodes.removed.map((n) => n.id)).toEqual(['meeting']);
    expect(d.nodes.changed).toEqual([
      expect.objectContaining({
        id: 'legal',
        fields: [
          expect.objectContaining({ field: 'deadline' }),
          expect.objectContaining({
            field: 'owner',
            before: { type: 'role', role: 'legal' },
            after: { type: 'role', role: 'legal-team' },
          }),
        ],
      }),
    ]);
    expect(d.edges.changed).toEqual([
      expect.objectContaining({ id: 'e2', fields: [{ field: 'to', before: 'meeting', after: 'sign' }] }),
    ]);
    expect(d.edges.added.map((e) => e.id)).toEqual(['e4']);
    expect(d.edges.removed.map((e) => e.id)).toEqual(['e3']);
    expect(d.layoutOnly).toBe(false);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it('tells a layout-only change apart, and follows nodes into sub-processes', () => {
    const moved = structuredClone(v1);
    moved.nodes[1]!.layout = { x: 300, y: 40 };
    expect(diffDefinitions(v1, moved)).toMatchObject({
      layoutOnly: true,
      nodes: { changed: [{ id: 'legal', fields: [{ field: 'layout' }] }] },
    });
    const nested = structuredClone(v1);
    nested.nodes[2] = {
      id: 'meeting',
      type: 'subProcess',
      nodes: [
        { id: 'in', type: 'start' },
        { id: 'out', type: 'end' },
      ],
      edges: [{ id: 's1', from: 'in', to: 'out' }],
    };
    const d = diffDefinitions(v1, nested);
    expect(d.nodes.added.map((n) => [n.id, n.scope])).toEqual([
      ['in', 'meeting'],
      ['out', 'meeting'],
    ]);
    expect(d.nodes.changed[0]!.fields.map((f) => f.field)).toEqual(['owner', 'type']);
  });

  it('serialises equal data to equal text whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
  });
});
