import type { ProcessDefinition } from '@baton/definition';
import { describe, expect, it } from 'vitest';
import exampleJson from '../../../../../examples/lead-to-contract/definition.json';
import { laneChart, laneMinGap, lanePadding, laneRowHeight, nodeLanes, ownerLane } from './lanes.ts';

const example = exampleJson as ProcessDefinition;
const xOf = (id: string) => example.nodes.find((n) => n.id === id)!.layout!.x;

describe('ownerLane', () => {
  it('gives roles, teams and users their own lane, and pools the lane of their team or role', () => {
    expect(ownerLane({ type: 'role', role: 'legal' }).key).toBe('role:legal');
    expect(ownerLane({ type: 'team', team: 'sales-east' }).key).toBe('team:sales-east');
    expect(ownerLane({ type: 'user', user: 'li.na' }).key).toBe('user:li.na');
    expect(ownerLane({ type: 'roundRobin', role: 'rep' }).key).toBe('role:rep');
    expect(ownerLane({ type: 'leastLoaded', role: 'rep', team: 'west' }).key).toBe('team:west');
  });

  it('puts a pick made at run time in the lane of its fallback, else a lane of its own', () => {
    expect(
      ownerLane({ type: 'managerOf', of: 'initiator', fallback: { type: 'role', role: 'sales-manager' } }).key,
    ).toBe('role:sales-manager');
    expect(ownerLane({ type: 'managerOf', of: 'initiator' }).key).toBe('manager');
    expect(ownerLane({ type: 'initiator' }).key).toBe('initiator');
    expect(ownerLane({ type: 'fromField', field: 'rep' }).key).toBe('byData:rep');
    expect(
      ownerLane({
        type: 'byField',
        field: 'territory',
        map: { east: { type: 'team', team: 'east' }, west: { type: 'team', team: 'west' } },
      }).key,
    ).toBe('byData:territory');
    expect(
      ownerLane({
        type: 'byField',
        field: 'territory',
        map: { east: { type: 'role', role: 'rep' }, west: { type: 'role', role: 'rep' } },
      }).key,
    ).toBe('role:rep');
  });
});

describe('laneChart on the lead-to-contract example', () => {
  const chart = laneChart(example, xOf);

  it('has one lane per role doing the work, in the order the flow reaches them, and a system lane', () => {
    expect(chart.lanes.map((l) => l.key)).toEqual([
      'role:sales-manager',
      'role:sales-rep',
      'role:legal',
      'manager',
      'role:finance',
      'unassigned',
      'role:after-sales',
    ]);
    const lane = (key: string) => chart.lanes.find((l) => l.key === key)!.nodeIds;
    // The start and a merge join the lane of the step after them, a decision the lane of the step deciding it.
    expect(lane('role:sales-manager')).toEqual(['lead-capture', 'assign-lead', 'manager-approval', 'approval-gateway']);
    expect(lane('role:sales-rep')).toEqual(['qualify', 'segment-gateway', 'proposal', 'standard-quote']);
    expect(lane('role:legal')).toEqual(['quote-merge', 'legal-review', 'fork']);
    // The 会签 of large deals sits in the lane of its first signer source, the initiator's manager.
    expect(lane('manager')).toEqual(['large-deal-approval', 'large-deal-gateway']);
    expect(lane('unassigned')).toEqual(['contract-signing', 'join', 'deal-attribution']);
    expect(lane('role:after-sales')).toEqual(['after-sales-start', 'done']);
    // Every node is in exactly one lane.
    expect(chart.lanes.flatMap((l) => l.nodeIds).sort()).toEqual(example.nodes.map((n) => n.id).sort());
  });

  it('keeps each node at its own x, inside its lane band, and never overlaps two nodes of a lane', () => {
    for (const lane of chart.lanes) {
      for (const id of lane.nodeIds) {
        const p = chart.positions.get(id)!;
        expect(p.x).toBe(xOf(id));
        expect(p.y).toBeGreaterThanOrEqual(lane.y + lanePadding);
        expect(p.y).toBeLessThanOrEqual(lane.y + lane.height - lanePadding);
      }
      for (const a of lane.nodeIds)
        for (const b of lane.nodeIds) {
          if (a >= b) continue;
          const [pa, pb] = [chart.positions.get(a)!, chart.positions.get(b)!];
          expect(Math.abs(pa.x - pb.x) >= laneMinGap || Math.abs(pa.y - pb.y) >= laneRowHeight, `${a} ${b}`).toBe(true);
        }
    }
    // Bands follow each other without gaps.
    chart.lanes.slice(1).forEach((lane, i) => expect(lane.y).toBe(chart.lanes[i]!.y + chart.lanes[i]!.height));
    // proposal (x 700) and standard-quote (x 790) share a lane and are too close: two rows.
    expect(chart.lanes[1]!.height).toBe(2 * laneRowHeight + 2 * lanePadding);
  });

  it('puts a several-signer step without an owner in the lane of its first signer source', () => {
    const { byNode } = nodeLanes({
      nodes: [
        { id: 'a', type: 'userTask', signers: { from: [{ type: 'role', role: 'legal' }], policy: 'all' } },
        { id: 'b', type: 'userTask', signers: { from: [{ type: 'managers', of: 'initiator', levels: 2 }] } },
        { id: 'c', type: 'userTask', signers: { from: 'nonsense' } },
      ] as unknown as ProcessDefinition['nodes'],
      edges: [],
    });
    expect([...byNode.entries()]).toEqual([
      ['a', 'role:legal'],
      ['b', 'manager'],
      ['c', 'unassigned'],
    ]);
  });

  it('puts nodes without an owner and without a neighbour to follow in the system lane', () => {
    const { byNode } = nodeLanes({
      nodes: [
        { id: 'g', type: 'exclusiveGateway' },
        { id: 't', type: 'timer', timer: { duration: 'PT1H' } },
      ],
      edges: [],
    });
    expect([...byNode.values()]).toEqual(['unassigned', 'unassigned']);
  });
});
