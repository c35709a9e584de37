import type { ProcessDefinition } from '@baton/definition';
import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import exampleJson from '../../../../../examples/lead-to-contract/definition.json';
import { applyPositions, type TidyGraph, tidyPositions, tidySize, toTidyGraph } from './tidy-layout.ts';

const example = exampleJson as ProcessDefinition;
const elk = new ELK();
const layout = async (graph: TidyGraph) => (await elk.layout(graph)) as TidyGraph;

describe('tidy up with ELK', () => {
  it('lays the example out left to right without overlaps, and keeps it where it was', async () => {
    const graph = toTidyGraph(example);
    expect(graph.children).toHaveLength(example.nodes.length);
    expect(graph.edges).toHaveLength(example.edges.length);
    const positions = tidyPositions(example, await layout(graph));
    expect(positions.size).toBe(example.nodes.length);
    const at = (id: string) => positions.get(id)!;
    // Every edge but the two rework loops runs to the right.
    for (const e of example.edges)
      if (e.id !== 'e-rework' && e.id !== 'e-large-rework') expect(at(e.to).x, e.id).toBeGreaterThan(at(e.from).x);
    // No two nodes' boxes overlap.
    const boxes = example.nodes.map((n) => ({ id: n.id, ...at(n.id), ...tidySize(n.type) }));
    for (const a of boxes)
      for (const b of boxes)
        if (a.id < b.id)
          expect(
            Math.abs(a.x - b.x) * 2 >= a.width + b.width - 0.5 || Math.abs(a.y - b.y) * 2 >= a.height + b.height - 0.5,
            `${a.id} ${b.id}`,
          ).toBe(true);
    // The centre of the drawing stays put (within rounding).
    const centre = (points: { x: number; y: number }[]) => [
      (Math.min(...points.map((p) => p.x)) + Math.max(...points.map((p) => p.x))) / 2,
      (Math.min(...points.map((p) => p.y)) + Math.max(...points.map((p) => p.y))) / 2,
    ];
    const [bx, by] = centre(example.nodes.map((n) => n.layout!));
    const [ax, ay] = centre([...positions.values()]);
    expect(Math.abs(ax! - bx!)).toBeLessThanOrEqual(1);
    expect(Math.abs(ay! - by!)).toBeLessThanOrEqual(1);
  });

  it('tidies a selection only: the other nodes stay the same objects, the selection stays centred', async () => {
    const selection = new Set(['fork', 'finance-check', 'contract-signing', 'join']);
    const graph = toTidyGraph(example, selection);
    expect(graph.children.map((c) => c.id)).toEqual(['fork', 'finance-check', 'contract-signing', 'join']);
    expect(graph.edges.map((e) => e.id)).toEqual([
      'e-fork-finance',
      'e-fork-signing',
      'e-finance-join',
      'e-signing-join',
    ]);
    const positions = tidyPositions(example, await layout(graph));
    const next = applyPositions(example, positions);
    for (const [i, node] of example.nodes.entries()) {
      if (selection.has(node.id)) expect(next.nodes[i]!.layout).toEqual({ ...node.layout, ...positions.get(node.id) });
      else expect(next.nodes[i]).toBe(node);
    }
    expect(positions.get('fork')!.x).toBeLessThan(positions.get('finance-check')!.x);
    expect(positions.get('finance-check')!.x).toBeLessThan(positions.get('join')!.x);
    expect(positions.get('finance-check')!.y).not.toBe(positions.get('contract-signing')!.y);
  });
});
