import { describe, expect, it } from 'vitest';
import { toRoles } from './use-directory.ts';
import { toDurationParts, toIsoDuration } from './duration-parts.ts';
import { checkFeel } from './FeelInput.tsx';
import { validateDefinition, type ProcessDefinition, type ProcessNode } from '@baton/definition';
import {
  disableSigners,
  enableSigners,
  makeThreshold,
  newSource,
  policyOf,
  readSigners,
  readThreshold,
  signersSupported,
  sourcesOfOwner,
  thresholdKinds,
  withPolicy,
  withSigners,
  withSource,
} from './signers.ts';

describe('helpers of the properties panel', () => {
  it('edits ISO durations as days, hours and minutes, and leaves other forms to a text input', () => {
    expect(toDurationParts('PT48H')).toEqual({ days: 0, hours: 48, minutes: 0 });
    expect(toDurationParts('P1W2DT4H30M')).toEqual({ days: 9, hours: 4, minutes: 30 });
    expect(toDurationParts('PT10S')).toBeUndefined();
    expect(toDurationParts('P')).toBeUndefined();
    expect(toIsoDuration({ days: 0, hours: 48, minutes: 0 })).toBe('PT48H');
    expect(toIsoDuration({ days: 1, hours: 4, minutes: 30 })).toBe('P1DT4H30M');
    expect(toIsoDuration({ days: 3, hours: 0, minutes: 0 })).toBe('P3D');
    expect(toIsoDuration({ days: 0, hours: 0, minutes: 0 })).toBe('PT0M');
  });

  it('checks FEEL as the user types: fields read, syntax errors with a position, unknown fields with a hint', () => {
    const known = new Set(['amount', 'contract']);
    expect(checkFeel('', known)).toEqual({ state: 'empty' });
    expect(checkFeel('amount > 10 and contract.status = "signed"', known)).toEqual({
      state: 'ok',
      fields: ['amount', 'contract'],
    });
    expect(checkFeel('amount >', known)).toMatchObject({ state: 'syntax', code: 'EXPR_SYNTAX' });
    expect(checkFeel('amout > 10', known)).toEqual({ state: 'unknown', names: [{ name: 'amout', hint: 'amount' }] });
  });

  it('derives owner roles from the positions users hold', () => {
    const user = (positions: string[]) => ({ positions }) as never;
    expect(toRoles([user(['sales-rep']), user(['legal', 'sales-rep']), user([])])).toEqual(['legal', 'sales-rep']);
  });

  it('switches several signers on from the owner and off again, writing the real Signers shape', () => {
    const node = {
      id: 't',
      type: 'userTask' as const,
      owner: { type: 'role' as const, role: 'finance' },
    };
    const on = enableSigners(node);
    expect(on).toEqual({
      id: 't',
      type: 'userTask',
      signers: { from: [{ type: 'role', role: 'finance' }], policy: 'all' },
      resultField: 'approval',
    });
    expect(validateDefinition(around(on)).issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(disableSigners(on)).toEqual({ ...node, resultField: 'approval' });
    expect(node).toEqual({ id: 't', type: 'userTask', owner: { type: 'role', role: 'finance' } });
    expect(readSigners(withSigners(on, undefined))).toBeUndefined();
    expect(sourcesOfOwner({ type: 'managerOf', of: 'initiator' })).toEqual([
      { type: 'managers', of: 'initiator', levels: 1 },
    ]);
    expect(signersSupported).toBe(true);
  });

  it('keeps a threshold only under the threshold policy, in each of its three forms', () => {
    const base = { from: [{ type: 'initiator' as const }] };
    expect(policyOf(base)).toBe('all');
    const counted = withPolicy(base, 'threshold');
    expect(counted).toEqual({ ...base, policy: 'threshold', threshold: { count: 2 } });
    expect(withPolicy(counted, 'any')).toEqual({ ...base, policy: 'any' });
    expect(readThreshold({ moreThan: 0.5 })).toEqual({ kind: 'moreThan', value: 0.5 });
    expect(makeThreshold('atLeast')).toEqual({ atLeast: 0.6 });
    for (const kind of thresholdKinds) {
      const signers = { ...counted, threshold: makeThreshold(kind) };
      const d = around(withSigners(enableSigners({ id: 't', type: 'userTask' }), signers));
      expect(
        validateDefinition(d).issues.filter((i) => i.severity === 'error'),
        kind,
      ).toEqual([]);
    }
    const two = withSource(base, 1, newSource('managers'));
    expect(two.from).toEqual([{ type: 'initiator' }, { type: 'managers', of: 'initiator', levels: 1 }]);
    expect(withSource(two, 0, undefined).from).toEqual([{ type: 'managers', of: 'initiator', levels: 1 }]);
  });
});

/** A minimal definition around one user task. */
function around(node: ProcessNode): ProcessDefinition {
  return {
    schemaVersion: 1,
    key: 'k',
    name: { en: 'K' },
    nodes: [{ id: 's', type: 'start' }, node, { id: 'e', type: 'end' }],
    edges: [
      { id: 'e1', from: 's', to: node.id },
      { id: 'e2', from: node.id, to: 'e' },
    ],
  };
}
