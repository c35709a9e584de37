import type { ProcessDefinition } from '@baton/definition';
import { describe, expect, it } from 'vitest';
import exampleJson from '../../../../examples/lead-to-contract/definition.json';
import { instanceFlow, instancePath } from './instance-flow.ts';
import { timelineItems } from './timeline-items.ts';

const example = exampleJson as ProcessDefinition;

let seq = 0;
const entry = (
  type: string,
  nodeId: string | null,
  data: Record<string, unknown> = {},
  actor: string | null = null,
) => ({ id: ++seq, type, actor, nodeId, at: '2026-12-04T08:00:00.000Z', data });

describe('instancePath', () => {
  it('marks the start, the steps done and the edges between them, not the active step', () => {
    const history = [
      entry('instance.started', null, {}, 'rep'),
      entry('node.entered', 'assign-lead', { via: 'e-capture-assign' }),
      entry('task.completed', 'assign-lead', { output: {} }, 'manager'),
      entry('node.left', 'assign-lead'),
      entry('node.entered', 'qualify', { via: 'e-assign-qualify' }),
    ];
    const path = instancePath(example, history, ['qualify']);
    expect(path.completedNodes).toEqual(['lead-capture', 'assign-lead']);
    expect(path.takenEdges).toEqual(['e-capture-assign', 'e-assign-qualify']);
  });

  it('follows only the edge a gateway chose, and marks the pass-through gateway done', () => {
    const history = [
      entry('instance.started', null),
      entry('node.left', 'qualify'),
      entry('gateway.decided', 'segment-gateway', { edge: 'e-segment-other' }),
      entry('node.entered', 'standard-quote', { via: 'e-segment-other' }),
    ];
    const path = instancePath(example, history, ['standard-quote']);
    expect(path.completedNodes).toContain('segment-gateway');
    expect(path.takenEdges).toContain('e-segment-other');
    expect(path.takenEdges).toContain('e-qualify-segment');
    expect(path.takenEdges).not.toContain('e-segment-a');
  });

  it('is empty for an instance without history', () => {
    expect(instancePath(example, [], [])).toEqual({ completedNodes: [], takenEdges: [] });
  });
});

describe('instanceFlow', () => {
  it('gives each node its state class and keeps the designer data', () => {
    const { nodes, edges } = instanceFlow(
      example,
      {
        completedNodes: ['lead-capture', 'assign-lead'],
        takenEdges: ['e-capture-assign'],
        activeNodes: ['qualify'],
        waiting: { qualify: 'task' },
        pickable: ['assign-lead'],
        picked: 'assign-lead',
      },
      'zh-CN',
    );
    const byId = new Map(nodes.map((n) => [n.id, n]));
    expect(byId.get('qualify')?.className).toBe('is-active');
    expect(byId.get('qualify')?.data).toMatchObject({ name: '客户分级', state: 'active', waiting: 'task' });
    expect(byId.get('assign-lead')?.className).toBe('is-done is-pickable is-picked');
    expect(byId.get('legal-review')?.className).toBe('is-idle');
    expect(nodes.every((n) => n.draggable === false && n.connectable === false)).toBe(true);
    expect(edges.find((e) => e.id === 'e-capture-assign')?.className).toBe('is-taken');
    expect(edges.find((e) => e.id === 'e-assign-qualify')?.className).toBe('is-idle');
  });
});

describe('timelineItems', () => {
  it('keeps what people did with comments and decisions, and drops token bookkeeping', () => {
    const items = timelineItems([
      entry('instance.started', null, { businessKey: 'L-1' }, 'rep'),
      entry('node.entered', 'assign-lead', { via: 'e-capture-assign' }),
      entry('task.created', 'assign-lead', { assignee: 'manager' }),
      entry('task.completed', 'assign-lead', { output: {}, decision: 'reject', comment: '预算不清楚' }, 'manager'),
      entry('task.transferred', 'qualify', { from: 'rep', to: 'rep2', comment: '请跟进' }, 'rep'),
      entry('task.returned', 'qualify', { to: 'assign-lead', reason: 'wrong rep' }, 'rep2'),
      entry('task.signersAdded', 'qualify', { users: ['legal', 'finance'], position: 'before' }, 'rep2'),
      entry('cc.sent', 'qualify', { to: ['boss'], reason: 'manual' }, 'rep2'),
      entry('timer.scheduled', 'qualify'),
    ]);
    expect(items.map((i) => i.type)).toEqual([
      'instance.started',
      'task.created',
      'task.completed',
      'task.transferred',
      'task.returned',
      'task.signersAdded',
      'cc.sent',
    ]);
    expect(items[1]).toMatchObject({ users: ['manager'] });
    expect(items[2]).toMatchObject({ actor: 'manager', decision: 'reject', comment: '预算不清楚' });
    expect(items[3]).toMatchObject({ users: ['rep2'], comment: '请跟进' });
    expect(items[4]).toMatchObject({ toNode: 'assign-lead', comment: 'wrong rep' });
    expect(items[5]).toMatchObject({ users: ['legal', 'finance'], position: 'before' });
    expect(items[6]).toMatchObject({ users: ['boss'] });
    expect(items[6]?.comment).toBeUndefined();
  });
});
