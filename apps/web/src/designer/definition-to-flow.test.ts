import type { ProcessDefinition, ProcessNode } from '@baton/definition';
import { describe, expect, it } from 'vitest';
import exampleJson from '../../../../examples/lead-to-contract/definition.json';
import { definitionToFlow, layeredLayout, layerGap, rowGap } from './definition-to-flow.ts';
import { durationText, edgeText, fitEdgeLabel, ownerLines, rungText } from './describe.ts';

const example = exampleJson as ProcessDefinition;

const node = (id: string, extra: Partial<ProcessNode> = {}): ProcessNode =>
  ({ id, type: 'userTask', ...extra }) as ProcessNode;

describe('definitionToFlow on the lead-to-contract example', () => {
  it('maps every node and edge, with the same ids and endpoints', () => {
    const { nodes, edges } = definitionToFlow(example, { locale: 'en' });
    expect(nodes.map((n) => n.id)).toEqual(example.nodes.map((n) => n.id));
    expect(edges.map((e) => [e.id, e.source, e.target])).toEqual(example.edges.map((e) => [e.id, e.from, e.to]));
    expect(nodes.find((n) => n.id === 'fork')?.type).toBe('gateway');
    expect(nodes.find((n) => n.id === 'done')?.type).toBe('terminal');
    expect(nodes.find((n) => n.id === 'legal-review')?.type).toBe('step');
  });

  it('places nodes where the definition saved them, the same on every call', () => {
    const first = definitionToFlow(example, { locale: 'en' });
    const again = definitionToFlow(structuredClone(example), { locale: 'zh-CN' });
    for (const n of example.nodes)
      expect(first.nodes.find((f) => f.id === n.id)?.position).toEqual({ x: n.layout?.x, y: n.layout?.y });
    expect(again.nodes.map((n) => n.position)).toEqual(first.nodes.map((n) => n.position));
  });

  it('gives names, owners, deadlines and conditions in both languages', () => {
    const en = definitionToFlow(example, { locale: 'en' });
    const zh = definitionToFlow(example, { locale: 'zh-CN' });
    const legal = (flow: typeof en) => flow.nodes.find((n) => n.id === 'legal-review')?.data;
    expect(legal(en)).toMatchObject({
      kind: 'userTask',
      name: 'Legal review',
      owner: 'Role legal',
      deadline: '48 h of working time',
    });
    expect(legal(zh)).toMatchObject({ name: '合同评审', owner: '角色 legal', deadline: '48 小时（工作时间）' });
    const afterSales = en.nodes.find((n) => n.id === 'after-sales-start')?.data;
    expect(afterSales?.condition).toBe('contract.status = "signed"');
    expect(en.nodes.find((n) => n.id === 'qualify')?.data.owner).toBe('The user in field assignedRep');
    expect(zh.nodes.find((n) => n.id === 'manager-approval')?.data.owner).toBe('发起人的主管');
    expect(en.edges.find((e) => e.id === 'e-rework')).toMatchObject({
      label: 'Rework',
      data: { condition: 'approved = false' },
    });
    expect(zh.edges.find((e) => e.id === 'e-segment-other')).toMatchObject({
      label: 'B/C 类',
      data: { isDefault: true },
    });
    // The rework loop runs under the nodes; every other edge goes left to right.
    expect(en.edges.filter((e) => e.sourceHandle === 'loop-out').map((e) => [e.id, e.targetHandle])).toEqual([
      ['e-rework', 'loop-in'],
      ['e-large-rework', 'loop-in'],
    ]);
    expect(en.edges.find((e) => e.id === 'e-rework')).toMatchObject({
      type: 'smoothstep',
      pathOptions: { offset: 36 },
    });
    expect(en.edges.find((e) => e.id === 'e-approved')).toMatchObject({ sourceHandle: 'out', targetHandle: 'in' });
    // Nodes without an owner or a deadline carry none (the canvas draws no empty line).
    expect(en.nodes.find((n) => n.id === 'fork')?.data).toEqual({ kind: 'parallelGateway', name: 'Fork' });
  });
});

describe('definitionToFlow on small definitions', () => {
  it('falls back to the other language, then to the id', () => {
    const { nodes } = definitionToFlow(
      {
        nodes: [node('a', { name: { 'zh-CN': '仅中文' } }), node('b', { name: { en: 'English only' } }), node('c')],
        edges: [],
      },
      { locale: 'en' },
    );
    expect(nodes.map((n) => n.data.name)).toEqual(['仅中文', 'English only', 'c']);
  });

  it('lays out a definition without positions in layers from left to right, stably', () => {
    const definition = {
      nodes: [node('start', { type: 'start' }), node('b'), node('a'), node('join', { type: 'parallelGateway' })],
      edges: [
        { id: 'e1', from: 'start', to: 'a' },
        { id: 'e2', from: 'start', to: 'b' },
        { id: 'e3', from: 'a', to: 'join' },
        { id: 'e4', from: 'b', to: 'join' },
      ],
    };
    const { nodes } = definitionToFlow(definition, { locale: 'en' });
    const at = Object.fromEntries(nodes.map((n) => [n.id, n.position]));
    expect(at).toEqual({
      start: { x: 0, y: 0 },
      b: { x: layerGap, y: -rowGap / 2 },
      a: { x: layerGap, y: rowGap / 2 },
      join: { x: 2 * layerGap, y: 0 },
    });
    expect(definitionToFlow(structuredClone(definition), { locale: 'zh-CN' }).nodes.map((n) => n.position)).toEqual(
      nodes.map((n) => n.position),
    );
  });

  it('puts a node after the longest path to it and ignores the edge that closes a loop', () => {
    const positions = layeredLayout(
      [{ id: 's' }, { id: 'work' }, { id: 'check' }, { id: 'end' }],
      [
        { from: 's', to: 'work' },
        { from: 'work', to: 'check' },
        { from: 'check', to: 'work' },
        { from: 'check', to: 'end' },
        { from: 's', to: 'end' },
      ],
    );
    expect([...positions].map(([id, p]) => [id, p.x / layerGap])).toEqual([
      ['s', 0],
      ['work', 1],
      ['check', 2],
      ['end', 3],
    ]);
    // A cycle with no way in still gets every node placed.
    expect(
      layeredLayout(
        [{ id: 'x' }, { id: 'y' }],
        [
          { from: 'x', to: 'y' },
          { from: 'y', to: 'x' },
        ],
      ).size,
    ).toBe(2);
  });

  it('keeps saved positions and computes only the missing ones', () => {
    const { nodes } = definitionToFlow(
      { nodes: [node('a', { layout: { x: 500, y: 40 } }), node('b')], edges: [{ id: 'e', from: 'a', to: 'b' }] },
      { locale: 'en' },
    );
    expect(nodes.map((n) => n.position)).toEqual([
      { x: 500, y: 40 },
      { x: layerGap, y: 0 },
    ]);
  });

  it('shows a sub-process as one node that counts its steps', () => {
    const { nodes } = definitionToFlow(
      {
        nodes: [node('sub', { type: 'subProcess', nodes: [node('x'), node('y')], edges: [] })],
        edges: [],
      },
      { locale: 'en' },
    );
    expect(nodes[0]).toMatchObject({ type: 'step', data: { kind: 'subProcess', inside: 2 } });
  });
});

describe('the plain-language texts of the properties panel', () => {
  it('spells out durations, escalation rungs and the owner chain', () => {
    expect(durationText('P1DT4H', 'en')).toBe('1 d 4 h');
    expect(durationText('PT30M', 'zh-CN')).toBe('30 分钟');
    expect(durationText('P2W', 'en')).toBe('P2W');
    const legal = example.nodes.find((n) => n.id === 'legal-review');
    expect(legal?.deadline?.escalations?.map((r) => rungText(r, 'en'))).toEqual([
      'At 50% of the deadline: remind the owner',
      expect.stringMatching(/^At 100% of the deadline: /),
    ]);
    expect(
      rungText({ after: 'PT2H', action: { type: 'reassign', to: { type: 'role', role: 'sales-manager' } } }, 'zh-CN'),
    ).toBe('2 小时后：转交给角色 sales-manager');
    const qualify = example.nodes.find((n) => n.id === 'qualify');
    expect(ownerLines(qualify?.owner, 'en')).toEqual([
      { text: 'The user in field assignedRep', depth: 0 },
      { text: 'If unavailable: Chosen by field territory', depth: 0 },
      { text: 'east: Team sales-east', depth: 1 },
      { text: 'west: Team sales-west', depth: 1 },
      { text: 'Otherwise: Role sales-rep', depth: 1 },
    ]);
    const rework = example.edges.find((e) => e.id === 'e-rework');
    expect(rework && edgeText(rework, 'Proposal', 'zh-CN')).toBe('退回修改：当 approved = false');
    expect(edgeText({ id: 'e', from: 'a', to: 'b' }, 'Done', 'en')).toBe('to Done');
  });
});

describe('edge labels on the canvas', () => {
  it('keep a label that fits between the edge’s ends and cut a longer one with an ellipsis, by width', () => {
    expect(fitEdgeLabel('Rework', 120)).toEqual({ text: 'Rework', cut: false });
    const long = fitEdgeLabel('followUpOutcome = "quote"', 100);
    expect(long.cut).toBe(true);
    expect(long.text).toBe('followUpOut…');
    // Right to left (a loop back) measures the same; a very short edge still shows a few characters.
    expect(fitEdgeLabel('followUpOutcome = "quote"', -100)).toEqual(long);
    // Chinese characters are about twice as wide.
    expect(fitEdgeLabel('金额大于五十万元的报价需要会签', 0).text).toBe('金额大…');
    expect(fitEdgeLabel('大额', 0)).toEqual({ text: '大额', cut: false });
  });
});
