/**
 * The definitions `npm run bench:web` opens: block-structured sales processes of about `size`
 * nodes (approval steps, automatic steps, condition and parallel splits nested in one another),
 * built with the approval view's own edits from a seeded generator, so the same size gives the
 * same definition every run; owners spread over six roles; positions in layers left to right.
 */
import type { ProcessDefinition, ProcessNode } from '@baton/definition';
import { definitionToBlockTree, isSplit, type Sequence } from '../src/designer/approval-view/block-tree.ts';
import { insertAt, type InsertableStep } from '../src/designer/approval-view/tree-edits.ts';

const roles = ['sales-rep', 'sales-manager', 'legal', 'finance', 'after-sales', 'marketing'];

/** Layers left to right by longest path from the start (the generated graph has no loops), rows top to bottom. */
function layered(definition: ProcessDefinition): Map<string, { x: number; y: number }> {
  const layer = new Map<string, number>([['start', 0]]);
  const indegree = new Map(definition.nodes.map((n) => [n.id, 0]));
  for (const e of definition.edges) indegree.set(e.to, indegree.get(e.to)! + 1);
  const ready = ['start'];
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i]!;
    for (const e of definition.edges.filter((x) => x.from === id)) {
      layer.set(e.to, Math.max(layer.get(e.to) ?? 0, layer.get(id)! + 1));
      indegree.set(e.to, indegree.get(e.to)! - 1);
      if (indegree.get(e.to) === 0) ready.push(e.to);
    }
  }
  const rows = new Map<number, number>();
  const positions = new Map<string, { x: number; y: number }>();
  for (const id of ready) {
    const l = layer.get(id)!;
    const row = rows.get(l) ?? 0;
    rows.set(l, row + 1);
    positions.set(id, { x: l * 200, y: row * 140 });
  }
  return positions;
}

/** Every insertion slot of the tree. */
function slots(sequence: Sequence, into: string[][] = []): string[][] {
  for (const slot of sequence.slots) if (slot.length > 0) into.push(slot);
  for (const block of sequence.blocks) if (isSplit(block)) for (const b of block.branches) slots(b.sequence, into);
  return into;
}

/** A generated definition of at least `size` nodes with key `key`. Deterministic. */
export function generateDefinition(key: string, size: number): ProcessDefinition {
  let seed = 0x9e3779b9 ^ size;
  const random = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  let definition: ProcessDefinition = {
    schemaVersion: 1,
    key,
    name: { en: `Benchmark process (${size} nodes)`, 'zh-CN': `基准流程（${size} 个节点）` },
    data: { type: 'object', properties: { amount: { type: 'number' } } },
    nodes: [
      { id: 'start', type: 'start', name: { en: 'Start', 'zh-CN': '开始' } },
      { id: 'end', type: 'end', name: { en: 'End', 'zh-CN': '结束' } },
    ],
    edges: [{ id: 'e-start-end', from: 'start', to: 'end' }],
  };
  while (definition.nodes.length < size) {
    const all = slots(definitionToBlockTree(definition).root);
    const slot = all[Math.floor(random() * all.length)]!;
    const r = random();
    const kind: InsertableStep = r < 0.6 ? 'approval' : r < 0.75 ? 'automatic' : r < 0.9 ? 'exclusive' : 'parallel';
    definition = insertAt(definition, slot, kind).definition;
  }
  const positions = layered(definition);
  let i = 0;
  const nodes = definition.nodes.map((node): ProcessNode => {
    const { layout: _drop, ...rest } = node;
    const placed = { ...rest, layout: positions.get(node.id)! } as ProcessNode;
    if (placed.type !== 'userTask') return placed;
    const role = roles[i++ % roles.length]!;
    return {
      ...placed,
      owner: { type: 'role', role },
      name: { en: `Step ${i} (${role})`, 'zh-CN': `步骤 ${i}（${role}）` },
    };
  });
  return { ...definition, nodes };
}
