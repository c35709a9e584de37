import type { ProcessNode } from '@baton/definition';
import { describe, expect, it } from 'vitest';
import { signerBadge } from './signers.ts';

const task = (signers?: unknown) =>
  ({ id: 't', type: 'userTask', ...(signers === undefined ? {} : { signers }) }) as ProcessNode;

describe('signerBadge', () => {
  it('shows no badge without a signer policy', () => {
    expect(signerBadge(task())).toBeUndefined();
    expect(signerBadge(task(null))).toBeUndefined();
  });

  it('names 会签, 或签, one after another and a threshold, from a string or an object', () => {
    expect(signerBadge(task('all'))).toEqual({ kind: 'all' });
    expect(signerBadge(task({ mode: 'any' }))).toEqual({ kind: 'any' });
    expect(signerBadge(task({ policy: 'sequence' }))).toEqual({ kind: 'sequential' });
    expect(signerBadge(task({ from: [{ type: 'role', role: 'legal' }] }))).toEqual({ kind: 'all' });
    expect(signerBadge(task({ from: [], policy: 'threshold', threshold: { count: 2 } }))).toEqual({
      kind: 'threshold',
      n: '2',
    });
    expect(signerBadge(task({ policy: 'threshold', threshold: { atLeast: 0.6 } }))).toEqual({
      kind: 'threshold',
      n: '≥ 60%',
    });
    expect(signerBadge(task({ policy: 'threshold', threshold: { moreThan: 0.5 } }))).toEqual({
      kind: 'threshold',
      n: '> 50%',
    });
  });

  it('says "several signers" for a shape it does not know, rather than failing', () => {
    expect(signerBadge(task({ whatever: true }))).toEqual({ kind: 'other' });
    expect(signerBadge(task(['a', 'b']))).toEqual({ kind: 'other' });
    expect(signerBadge(task({ mode: 'threshold' }))).toEqual({ kind: 'other' });
  });
});
