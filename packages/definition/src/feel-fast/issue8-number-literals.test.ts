import { describe, expect, it } from 'vitest';
import { checkExpression } from '../expression/check-expression.ts';
import { evaluateExpression } from '../expression/evaluate-expression.ts';
import { compileExpression } from './compile-expression.ts';

// Issue 8, defect 1: `1e2` was 100 on the compiled fast path and 1 in feelin (which read an
// integer literal with parseInt), so `x > 1e2` routed differently depending on the path taken;
// issue 8 rejected the exponent. Issue 13 replaced both paths with one evaluator that reads a
// literal as an exact decimal, and the DMN TCK expects `12300 = 1.23e4` (DMN's grammar, rule 37,
// shows no exponent, but the kit and the engines it lists accept it): the exponent is allowed again,
// with one meaning everywhere.
describe('FEEL number literals (issue 8, decided again in issue 13)', () => {
  it.each<[string, number]>([
    ['1e2', 100],
    ['1E2', 100],
    ['1e-2', 0.01],
    ['1.5e2', 150],
    ['.5e1', 5],
    ['-1e2', -100],
    ['1.23e+4', 12300],
  ])('reads %s as %d on every path', (source, expected) => {
    expect(checkExpression(source).ok).toBe(true);
    expect(evaluateExpression(source, {})).toMatchObject({ ok: true, value: expected });
    expect(compileExpression(source).evaluate({})).toMatchObject({ ok: true, value: expected });
  });

  it('routes `x > 1e2` the same way on every path', () => {
    for (const x of [99, 100, 100.5, 150]) {
      const expected = x > 100;
      expect(evaluateExpression('x > 1e2', { x })).toMatchObject({ ok: true, value: expected });
      expect(compileExpression('x > 1e2').condition({ x })).toMatchObject({ ok: true, value: expected });
    }
    expect(evaluateExpression('12300 = 1.23e4 and 0.000123 = 1.23e-4', {})).toMatchObject({ ok: true, value: true });
  });

  it('rejects an exponent beyond the decimal range, with a hint', () => {
    const checked = checkExpression('1e99999');
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.error).toMatchObject({ code: 'EXPR_SYNTAX' });
    expect(!checked.ok && checked.error.message).toMatch(/out of range/);
  });

  it.each<[string, number]>([
    ['0', 0],
    ['7', 7],
    ['007', 7],
    ['2.5', 2.5],
    ['00.5', 0.5],
    ['.5', 0.5],
    ['-.5', -0.5],
    ['-3', -3],
    ['123456789012345678901234567890', 1.2345678901234568e29],
  ])('evaluates %s to %d on every path', (source, expected) => {
    expect(evaluateExpression(source, {})).toMatchObject({ ok: true, value: expected });
    expect(compileExpression(source).evaluate({})).toMatchObject({ ok: true, value: expected });
  });
});
