import { describe, expect, it } from 'vitest';
import type { DefinitionIssueCode } from './errors.ts';
import { resolveJsonPointer } from './json-pointer.ts';
import type { ProcessDefinition } from './types.ts';
import { validateDefinition } from './validate-definition.ts';

const base = (): ProcessDefinition => ({
  schemaVersion: 1,
  key: 'lead-to-contract',
  name: { en: 'Lead to contract', 'zh-CN': '线索到合同' },
  calendar: 'cn-mainland',
  data: {
    type: 'object',
    properties: { amount: { type: 'number' }, territory: { type: 'string' }, approved: { type: 'boolean' } },
  },
  nodes: [
    { id: 'start', type: 'start' },
    { id: 'qualify', type: 'userTask', owner: { type: 'role', role: 'sales-rep' }, inputs: ['amount'] },
    { id: 'big', type: 'exclusiveGateway' },
    {
      id: 'approve',
      type: 'userTask',
      owner: { type: 'managerOf', of: 'initiator' },
      deadline: { duration: 'PT48H', escalations: [{ at: 0.5, action: { type: 'remind' } }] },
    },
    { id: 'end', type: 'end' },
  ],
  edges: [
    { id: 'e1', from: 'start', to: 'qualify' },
    { id: 'e2', from: 'qualify', to: 'big' },
    { id: 'e3', from: 'big', to: 'approve', condition: 'amount > 100000' },
    { id: 'e4', from: 'big', to: 'end', default: true },
    { id: 'e5', from: 'approve', to: 'end' },
  ],
});

function codes(input: unknown): DefinitionIssueCode[] {
  const r = validateDefinition(input);
  return r.issues.map((i) => i.code);
}

function issuesOf(mutate: (d: ProcessDefinition & Record<string, unknown>) => void) {
  const d = base() as ProcessDefinition & Record<string, unknown>;
  mutate(d);
  const r = validateDefinition(d);
  for (const i of r.issues)
    expect(resolveJsonPointer(d, i.path).found, `path ${i.path} of ${i.code} resolves`).toBe(true);
  return r.issues;
}

describe('validateDefinition', () => {
  it('accepts a valid definition and returns it typed', () => {
    const r = validateDefinition(base());
    expect(r.ok).toBe(true);
    expect(r.issues).toEqual([]);
  });

  it('refuses what is not an object without throwing', () => {
    for (const v of [null, 1, 'x', [], undefined, true]) {
      expect(codes(v)).toEqual(['DEF_NOT_AN_OBJECT']);
    }
  });

  it('reports schema problems with paths, codes and hints', () => {
    const issues = issuesOf((d) => {
      (d.nodes[1] as unknown as Record<string, unknown>).ownr = {};
      (d.nodes[2] as unknown as Record<string, unknown>).type = 'exclusivGateway';
      delete (d as Partial<ProcessDefinition>).name;
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'DEF_MISSING_PROPERTY', path: '' }),
        expect.objectContaining({
          code: 'DEF_UNKNOWN_PROPERTY',
          path: '/nodes/1/ownr',
          message: expect.stringContaining('Did you mean "owner"?') as unknown,
        }),
        expect.objectContaining({
          code: 'DEF_UNKNOWN_KIND',
          path: '/nodes/2/type',
          message: expect.stringContaining('Did you mean "exclusiveGateway"?') as unknown,
        }),
      ]),
    );
  });

  it('reports a bad duration', () => {
    const issues = issuesOf((d) => {
      d.nodes[3]!.deadline!.duration = '48 hours';
    });
    expect(issues).toEqual([expect.objectContaining({ code: 'DEF_BAD_DURATION', path: '/nodes/3/deadline/duration' })]);
  });

  it('finds a dangling edge, a missing owner and a FEEL typo in one pass', () => {
    const issues = issuesOf((d) => {
      d.edges[4]!.to = 'ennd';
      delete d.nodes[1]!.owner;
      d.edges[2]!.condition = 'amout > 100000';
    });
    expect(issues.filter((i) => i.severity === 'error').map((i) => [i.code, i.path])).toEqual(
      expect.arrayContaining([
        ['DEF_UNKNOWN_TARGET', '/edges/4/to'],
        ['DEF_MISSING_OWNER', '/nodes/1'],
        ['DEF_UNKNOWN_FIELD', '/edges/2/condition'],
      ]),
    );
    // Exactly these three: the nodes cut off behind the dangling edge are not reported as well.
    expect(issues.filter((i) => i.severity === 'error')).toHaveLength(3);
    expect(issues.find((i) => i.code === 'DEF_UNKNOWN_TARGET')!.message).toContain('Did you mean "end"?');
    expect(issues.find((i) => i.code === 'DEF_UNKNOWN_FIELD')!.message).toContain('"amount"');
  });

  it.each<[string, (d: ProcessDefinition) => void, DefinitionIssueCode, string]>([
    ['duplicate ids', (d) => void (d.nodes[3]!.id = 'qualify'), 'DEF_DUPLICATE_ID', '/nodes/3/id'],
    ['unknown source', (d) => void (d.edges[1]!.from = 'nowhere'), 'DEF_UNKNOWN_SOURCE', '/edges/1/from'],
    [
      'no start',
      (d) => void (d.nodes[0] = { id: 'start', type: 'userTask', owner: { type: 'user', user: 'a' } }),
      'DEF_NO_START',
      '/nodes',
    ],
    ['two starts', (d) => void d.nodes.push({ id: 's2', type: 'start' }), 'DEF_MULTIPLE_STARTS', '/nodes/5'],
    [
      'no end',
      (d) => void (d.nodes[4] = { id: 'end', type: 'userTask', owner: { type: 'user', user: 'a' } }),
      'DEF_NO_END',
      '/nodes',
    ],
    [
      'edge into start',
      (d) => void d.edges.push({ id: 'back', from: 'approve', to: 'start' }),
      'DEF_START_HAS_INCOMING',
      '/edges/5',
    ],
    [
      'edge out of end',
      (d) => void d.edges.push({ id: 'out', from: 'end', to: 'qualify' }),
      'DEF_END_HAS_OUTGOING',
      '/edges/5',
    ],
    [
      'unreachable node',
      (d) => void d.nodes.push({ id: 'orphan', type: 'userTask', owner: { type: 'user', user: 'a' } }),
      'DEF_UNREACHABLE',
      '/nodes/5',
    ],
    ['dead end', (d) => void d.edges.splice(4, 1), 'DEF_DEAD_END', '/nodes/3'],
    [
      'two ways out of a task',
      (d) => void d.edges.push({ id: 'x', from: 'qualify', to: 'end' }),
      'DEF_TOO_MANY_OUTGOING',
      '/nodes/1',
    ],
    ['missing condition', (d) => void delete d.edges[2]!.condition, 'DEF_MISSING_CONDITION', '/edges/2'],
    ['two defaults', (d) => void (d.edges[2]!.default = true), 'DEF_MULTIPLE_DEFAULTS', '/edges/3'],
    ['condition off a gateway', (d) => void (d.edges[0]!.condition = 'true'), 'DEF_MISPLACED_CONDITION', '/edges/0'],
    ['FEEL syntax', (d) => void (d.edges[2]!.condition = 'amount >'), 'DEF_EXPRESSION_SYNTAX', '/edges/2/condition'],
    ['unknown input field', (d) => void (d.nodes[1]!.inputs = ['amont']), 'DEF_UNKNOWN_FIELD', '/nodes/1/inputs/0'],
    ['unknown calendar', (d) => void (d.calendar = 'cn-mainlnd'), 'DEF_UNKNOWN_CALENDAR', '/calendar'],
    [
      'rung with at and after',
      (d) => void (d.nodes[3]!.deadline!.escalations![0]!.after = 'PT1H'),
      'DEF_BAD_ESCALATION',
      '/nodes/3/deadline/escalations/0',
    ],
    [
      'leave by a missing edge',
      (d) => void (d.nodes[3]!.deadline!.escalations![0]!.action = { type: 'leave', edge: 'nope' }),
      'DEF_UNKNOWN_ESCALATION_EDGE',
      '/nodes/3/deadline/escalations/0/action/edge',
    ],
    [
      'deadline on a gateway',
      (d) => void (d.nodes[2]!.deadline = { duration: 'PT1H' }),
      'DEF_DEADLINE_NOT_ALLOWED',
      '/nodes/2/deadline',
    ],
    [
      'bad form schema',
      (d) => void (d.nodes[1]!.outputs = { type: 'object', properties: { a: { type: 'strng' } } }),
      'DEF_BAD_DATA_SCHEMA',
      '/nodes/1/outputs',
    ],
    [
      'byField on an undeclared field',
      (d) => void (d.nodes[1]!.owner = { type: 'byField', field: 'region', map: {} }),
      'DEF_UNKNOWN_FIELD',
      '/nodes/1/owner/field',
    ],
  ])('reports %s', (_name, mutate, code, path) => {
    const issues = issuesOf(mutate);
    expect(issues.map((i) => [i.code, i.path])).toContainEqual([code, path]);
    const hit = issues.find((i) => i.code === code)!;
    expect(hit.message.length).toBeGreaterThan(20);
  });

  it('warns (but accepts) an exclusive gateway whose conditions may all fail', () => {
    const d = base();
    delete d.edges[3]!.default;
    d.edges[3]!.condition = 'amount <= 100000';
    const r = validateDefinition(d);
    expect(r.ok).toBe(true);
    expect(r.issues).toEqual([
      expect.objectContaining({ code: 'DEF_CONDITIONS_MAY_ALL_FAIL', severity: 'warning', path: '/nodes/2' }),
    ]);
  });

  it('finds a parallel join that can never fire behind an exclusive choice', () => {
    const d: ProcessDefinition = {
      ...base(),
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'x', type: 'exclusiveGateway' },
        { id: 'a', type: 'userTask', owner: { type: 'user', user: 'u' } },
        { id: 'b', type: 'userTask', owner: { type: 'user', user: 'u' } },
        { id: 'j', type: 'parallelGateway' },
        { id: 'end', type: 'end' },
      ],
      edges: [
        { id: 'e1', from: 'start', to: 'x' },
        { id: 'e2', from: 'x', to: 'a', condition: 'amount > 1' },
        { id: 'e3', from: 'x', to: 'b', default: true },
        { id: 'e4', from: 'a', to: 'j' },
        { id: 'e5', from: 'b', to: 'j' },
        { id: 'e6', from: 'j', to: 'end' },
      ],
    };
    expect(validateDefinition(d).issues).toContainEqual(
      expect.objectContaining({ code: 'DEF_JOIN_NEVER_FIRES', severity: 'error', path: '/nodes/4' }),
    );
  });

  it('checks sub-processes as scopes of their own', () => {
    const d = base();
    d.nodes[1] = {
      id: 'qualify',
      type: 'subProcess',
      nodes: [
        { id: 'in', type: 'start' },
        { id: 'work', type: 'userTask' },
        { id: 'out', type: 'end' },
      ],
      edges: [
        { id: 's1', from: 'in', to: 'work' },
        { id: 's2', from: 'work', to: 'end' },
      ],
    };
    const issues = validateDefinition(d).issues;
    expect(issues.map((i) => [i.code, i.path])).toEqual(
      expect.arrayContaining([
        ['DEF_MISSING_OWNER', '/nodes/1/nodes/1'],
        ['DEF_EDGE_ACROSS_SCOPES', '/nodes/1/edges/1/to'],
      ]),
    );
  });
});
