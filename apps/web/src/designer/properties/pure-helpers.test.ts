import { describe, expect, it } from 'vitest';
import { toRoles } from './use-directory.ts';
import { toDurationParts, toIsoDuration } from './duration-parts.ts';
import { checkFeel } from './FeelInput.tsx';
import { readSigners, signersSupported, withSigners } from './signers.ts';

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

  it('keeps several signers in one place, and knows the schema does not allow them yet', () => {
    const node = { id: 't', type: 'userTask' as const };
    const signed = withSigners(node, { from: 'owner', policy: 'threshold', threshold: 2 });
    expect(readSigners(signed)).toEqual({ from: 'owner', policy: 'threshold', threshold: 2 });
    expect(readSigners(withSigners(signed, undefined))).toBeUndefined();
    expect(node).toEqual({ id: 't', type: 'userTask' });
    // Flips to true when the engine branch adds `signers` to the definition schema (then align signers.ts).
    expect(signersSupported).toBe(false);
  });
});
