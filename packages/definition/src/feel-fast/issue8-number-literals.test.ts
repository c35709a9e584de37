import { evaluate } from 'feelin';
import { describe, expect, it } from 'vitest';
import { checkExpression } from '../expression/check-expression.ts';
import { evaluateExpression } from '../expression/evaluate-expression.ts';
import { compileExpression } from './compile-expression.ts';
import { FALLBACK, compileFastFeel } from './compile-fast-feel.ts';

// Issue 8, defect 1: `1e2` was 100 on the compiled fast path and 1 in feelin (which reads an
// integer literal with parseInt), so `x > 1e2` routed differently depending on the path taken.
// DMN's FEEL grammar (rule 37, DMN 1.3 to 1.5) has no exponent: numeric literal =
// [ "-" ] , ( digits , [ ".", digits ] | "." , digits ). Both paths now reject an exponent.
describe('issue 8: FEEL number literals', () => {
  it.each(['1e2', '1E2', '1e-2', '1.5e2', '.5e1', '-1e2', 'x > 1e2', 'if true then 2e3 else 0'])(
    'rejects the exponent in %s on both paths, with a hint',
    (source) => {
      const checked = checkExpression(source);
      expect(checked.ok).toBe(false);
      if (!checked.ok) {
        expect(checked.error.code).toBe('EXPR_SYNTAX');
        expect(checked.error.message).toMatch(/exponent/);
      }
      expect(compileFastFeel(source)).toBeUndefined();
      const compiled = compileExpression(source);
      expect(compiled.fast).toBe(false);
      expect(compiled.evaluate({ x: 150 })).toMatchObject({ ok: false, error: { code: 'EXPR_SYNTAX' } });
      expect(evaluateExpression(source, { x: 150 })).toMatchObject({ ok: false, error: { code: 'EXPR_SYNTAX' } });
    },
  );

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
  ])('evaluates %s to %d on both paths and in feelin', (source, expected) => {
    const fast = compileFastFeel(source);
    expect(fast).toBeDefined();
    expect(fast!({})).toBe(expected);
    expect(evaluateExpression(source, {})).toMatchObject({ ok: true, value: expected });
    expect(evaluate(source, {}).value).toBe(expected);
  });

  it('gives the same routing for a condition with every allowed literal form', () => {
    for (const literal of ['100', '100.0', '0100', '.5', '99.99']) {
      const source = `x > ${literal}`;
      const compiled = compileExpression(source);
      expect(compiled.fast).toBe(true);
      for (const x of [0, 0.5, 99.99, 100, 150]) {
        const fast = compileFastFeel(source)!({ x });
        expect(fast).not.toBe(FALLBACK);
        expect(evaluateExpression(source, { x })).toMatchObject({ ok: true, value: fast });
      }
    }
  });
});
