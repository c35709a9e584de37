import { describe, expect, it } from 'vitest';
import { resolveJsonPointer } from './json-pointer.ts';
import type { ProcessDefinition, UserTaskNode } from './types.ts';
import { validateDefinition } from './validate-definition.ts';

// Issue 9 in the definition format: several signers, multi-instance, cc rules and the withdraw
// policy; every issue has a code, a JSON Pointer that resolves, and a fix in its message.
const def = (approve: Partial<UserTaskNode>, extra: Partial<ProcessDefinition> = {}): ProcessDefinition => ({
  schemaVersion: 1,
  key: 'approval',
  name: { en: 'Approval', 'zh-CN': '审批' },
  data: { type: 'object', properties: { amount: { type: 'number' }, reviewers: {}, contacts: { type: 'array' } } },
  nodes: [
    { id: 'start', type: 'start' },
    { id: 'approve', type: 'userTask', ...approve },
    { id: 'gw', type: 'exclusiveGateway' },
    { id: 'end', type: 'end' },
  ],
  edges: [
    { id: 'e1', from: 'start', to: 'approve' },
    { id: 'e2', from: 'approve', to: 'gw' },
    { id: 'e3', from: 'gw', to: 'end', condition: 'approval.outcome = "approved"' },
    { id: 'e4', from: 'gw', to: 'end', default: true },
  ],
  ...extra,
});

function issues(d: unknown) {
  const r = validateDefinition(d);
  for (const i of r.issues) expect(resolveJsonPointer(d, i.path).found, `${i.code} at ${i.path}`).toBe(true);
  return r.issues.map((i) => ({ code: i.code, path: i.path, severity: i.severity, message: i.message }));
}

describe('several signers', () => {
  it('accepts every source and policy; the result field counts as declared for a gateway', () => {
    const d = def(
      {
        signers: {
          from: [
            { type: 'users', users: ['mgr'] },
            { type: 'role', role: 'finance', team: 'hq' },
            { type: 'team', team: 'legal' },
            { type: 'field', field: 'reviewers' },
            { type: 'managers', of: 'initiator', levels: 2 },
            { type: 'initiator' },
          ],
          policy: 'threshold',
          threshold: { moreThan: 0.5 },
          rejection: 'count',
          whenEmpty: { action: 'fallback', owner: { type: 'role', role: 'sales-manager' } },
          dedupe: true,
        },
        resultField: 'approval',
        cc: [{ when: 'completed', roles: ['after-sales'], initiator: true }],
      },
      { withdraw: { initiator: 'restart', completer: false } },
    );
    expect(issues(d)).toEqual([]);
  });

  it('needs a threshold for policy threshold, and none for another policy', () => {
    expect(
      issues(def({ signers: { from: [{ type: 'initiator' }], policy: 'threshold' }, resultField: 'approval' })),
    ).toMatchObject([{ code: 'DEF_BAD_SIGNERS', path: '/nodes/1/signers', severity: 'error' }]);
    const other = issues(
      def({
        signers: { from: [{ type: 'initiator' }], policy: 'any', threshold: { count: 2 } },
        resultField: 'approval',
      }),
    );
    expect(other).toMatchObject([{ code: 'DEF_BAD_SIGNERS', path: '/nodes/1/signers/threshold' }]);
    expect(other[0]!.message).toContain('"policy": "threshold"');
  });

  it('warns when a count asks for more approvals than the listed signers', () => {
    expect(
      issues(
        def({
          signers: { from: [{ type: 'users', users: ['a', 'b'] }], policy: 'threshold', threshold: { count: 3 } },
          resultField: 'approval',
        }),
      ),
    ).toMatchObject([{ code: 'DEF_BAD_SIGNERS', path: '/nodes/1/signers/threshold/count', severity: 'warning' }]);
  });

  it('refuses signers together with multi-instance, and warns about an unused owner', () => {
    const found = issues(
      def({
        owner: { type: 'role', role: 'r' },
        signers: { from: [{ type: 'initiator' }] },
        multiInstance: { collection: 'contacts' },
        resultField: 'approval',
      }),
    );
    expect(found.map((i) => [i.code, i.path, i.severity])).toEqual([
      ['DEF_BAD_SIGNERS', '/nodes/1/multiInstance', 'error'],
      ['DEF_BAD_SIGNERS', '/nodes/1/owner', 'warning'],
    ]);
  });

  it('warns when no result field lets a rejection steer the process', () => {
    const d = def({ signers: { from: [{ type: 'initiator' }] } });
    d.edges[2]!.condition = 'amount > 1';
    expect(issues(d)).toMatchObject([{ code: 'DEF_SIGNERS_RESULT_UNUSED', path: '/nodes/1', severity: 'warning' }]);
  });

  it('checks a field source and a fallback owner field against the declared data', () => {
    const found = issues(
      def({
        signers: {
          from: [{ type: 'field', field: 'reviewrs' }],
          whenEmpty: { action: 'fallback', owner: { type: 'fromField', field: 'nobody' } },
        },
        resultField: 'approval',
      }),
    );
    expect(found.map((i) => [i.code, i.path])).toEqual([
      ['DEF_UNKNOWN_FIELD', '/nodes/1/signers/from/0/field'],
      ['DEF_UNKNOWN_FIELD', '/nodes/1/signers/whenEmpty/owner/field'],
    ]);
    expect(found[0]!.message).toContain('Did you mean "reviewers"?');
  });

  it('reports schema mistakes with codes and paths: unknown source, bad policy, threshold share, levels', () => {
    const bad = def({ resultField: 'approval' }) as unknown as { nodes: Record<string, unknown>[] };
    bad.nodes[1]!.signers = {
      from: [{ type: 'rol', role: 'x' }],
      policy: 'majority',
      threshold: { moreThan: 1.5 },
    };
    const found = issues(bad);
    expect(found.map((i) => [i.code, i.path])).toEqual(
      expect.arrayContaining([
        ['DEF_UNKNOWN_KIND', '/nodes/1/signers/from/0/type'],
        ['DEF_BAD_VALUE', '/nodes/1/signers/policy'],
      ]),
    );
    expect(found.find((i) => i.code === 'DEF_UNKNOWN_KIND')!.message).toContain('Did you mean "role"?');
    const levels = def({ resultField: 'approval' }) as unknown as { nodes: Record<string, unknown>[] };
    levels.nodes[1]!.signers = { from: [{ type: 'managers', of: 'initiator', levels: 0 }] };
    expect(issues(levels)).toMatchObject([{ code: 'DEF_OUT_OF_RANGE', path: '/nodes/1/signers/from/0/levels' }]);
  });
});

describe('multi-instance, cc and withdraw', () => {
  it('checks the collection field and the completion condition, which may read the BPMN counters', () => {
    const ok = def({
      owner: { type: 'fromField', field: 'item.owner' },
      multiInstance: {
        collection: 'contacts',
        sequential: true,
        completionCondition: 'nrOfCompletedInstances / nrOfInstances >= 0.5 or nrOfActiveInstances = 0',
        resultField: 'followUps',
      },
    });
    ok.edges[2]!.condition = 'count(followUps) > 0';
    expect(issues(ok)).toEqual([]);
    const bad = def({
      owner: { type: 'role', role: 'r' },
      multiInstance: { collection: 'contact', completionCondition: 'nrOfDone > 1' },
    });
    bad.edges[2]!.condition = 'amount > 1';
    expect(issues(bad).map((i) => [i.code, i.path])).toEqual([
      ['DEF_UNKNOWN_FIELD', '/nodes/1/multiInstance/collection'],
      ['DEF_UNKNOWN_FIELD', '/nodes/1/multiInstance/completionCondition'],
    ]);
  });

  it('refuses an unknown cc moment and an unknown withdraw policy, with paths', () => {
    const d = def({ owner: { type: 'role', role: 'r' } }) as unknown as Record<string, unknown> & {
      nodes: Record<string, unknown>[];
    };
    (d.edges as { condition?: string }[])[2]!.condition = 'amount > 1';
    d.nodes[1]!.cc = [{ when: 'started', users: ['a'] }];
    d.withdraw = { initiator: 'sometimes' };
    expect(issues(d).map((i) => [i.code, i.path])).toEqual(
      expect.arrayContaining([
        ['DEF_BAD_VALUE', '/nodes/1/cc/0/when'],
        ['DEF_BAD_VALUE', '/withdraw/initiator'],
      ]),
    );
  });
});
