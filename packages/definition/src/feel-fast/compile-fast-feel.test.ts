import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkExpression } from '../expression/check-expression.ts';
import { evaluateExpression } from '../expression/evaluate-expression.ts';
import { DEFAULT_EXPRESSION_LIMITS } from '../expression/expression-limits.ts';
import { isCleanFeelData } from '../expression/to-feel-context.ts';
import { compileExpression } from './compile-expression.ts';
import { FALLBACK, compileFastFeel } from './compile-fast-feel.ts';

const SEED = Number(process.env.SEED ?? Date.now() % 2 ** 31);

describe('compileFastFeel', () => {
  it.each<[string, Record<string, unknown>, unknown]>([
    ['employees >= 500', { employees: 1000 }, true],
    ['amount > 100000 and region = "East"', { amount: 200000, region: 'East' }, true],
    ['amount > 100000 and region = "East"', { amount: 5, region: 'East' }, false],
    ['contract.status = "signed"', { contract: { status: 'signed' } }, true],
    ['contract.status = "signed"', {}, false],
    ['approved = false', { approved: false }, true],
    ['not(approved)', { approved: true }, false],
    ['score + 1', { score: 2 }, 3],
    ['if amount > 10 then "big" else "small"', { amount: 11 }, 'big'],
    ['missing = null', {}, true],
    ['(a or b) and not(c)', { a: false, b: true, c: false }, true],
    ['-x * 2', { x: 3 }, -6],
  ])('evaluates %s', (source, data, expected) => {
    const fast = compileFastFeel(source);
    expect(fast).toBeDefined();
    expect(fast!(data)).toEqual(expected);
  });

  it.each([
    'for x in items return x',
    'count(items)',
    'x in [1, 2]',
    'x between 1 and 2',
    '{ a: 1 }',
    'constructor = 1',
    'a.__proto__ = null',
    'date("2025-01-01") > x',
    'items[1]',
    'string length(name)',
  ])('leaves %s to the full interpreter', (source) => {
    expect(compileFastFeel(source)).toBeUndefined();
  });

  it('never reads inherited properties', () => {
    expect(compileFastFeel('toString = null')).toBeUndefined();
    const fast = compileFastFeel('a.b = null')!;
    // An object with a prototype of its own is not plain data: the guarded interpreter decides.
    expect(fast({ a: Object.create({ b: 1 }) as Record<string, unknown> })).toBe(FALLBACK);
    expect(fast({ a: { c: 1 } })).toBe(true);
  });

  it(`agrees with the guarded interpreter on every result it does not hand back (seed ${SEED})`, () => {
    console.log(`fast FEEL differential seed ${SEED} (rerun with SEED=${SEED})`);
    // Over the data-size limits (1 MiB strings): every path must answer with the same limit error.
    const big = 'x'.repeat(DEFAULT_EXPRESSION_LIMITS.maxDataStringLength + 1);
    const value = fc.oneof(
      fc.integer({ min: -5, max: 5 }),
      fc.constantFrom('a', 'b', '', 'A', '\u{1F40E}', "a'b"),
      fc.boolean(),
      fc.constant(null),
      fc.double({ min: -10, max: 10, noNaN: true }),
      { arbitrary: fc.constant(big), weight: 1 },
    );
    const leaf = fc.oneof(
      fc.constantFrom('x', 'y', 'z', 'o.p', 'o.q', 'missing', 'null', 'true', 'false', '0', '1', '2.5', '"a"', '"b"'),
      fc.integer({ min: -3, max: 3 }).map(String),
      // Every numeric literal form the parser accepts (issue 8): FEEL's `.5`, `007`, `00.5`, and
      // exponents, which FEEL lacks and both paths must refuse.
      fc.constantFrom('.5', '007', '00.5', '10.25', '1e2', '1E2', '2.5e1', '.5e1', '1e-2'),
      // Issue 13: fields named like built-ins, present (`count`) or missing (`product`, `sum`)...
      fc.constantFrom('product', 'count', 'sum', 'string', 'o.count'),
      // ... and every string escape, valid (`\u0041`, `\U01F40E`, `\'`) or not (`\U0041`, `\u41`).
      fc.constantFrom(
        '"\\u0041"',
        '"\\U000041"',
        '"\\U01F40E"',
        '"\\uD83D\\uDC0E"',
        '"\\u00e9e"',
        '"a\\\'b"',
        '"\\"\\\\\\n\\t"',
        '"\\d"',
        '"\\U0041"',
        '"\\u41"',
        '"\\U110000"',
      ),
    );
    const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc
          .tuple(tie('e'), fc.constantFrom('=', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', 'and', 'or'), tie('e'))
          .map(([a, op, b]) => `(${a}) ${op} (${b})`),
        tie('e').map((a) => `not(${a})`),
        tie('e').map((a) => `-(${a})`),
        fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, a, b]) => `if ${c} then ${a} else ${b}`),
      ),
    })).e;
    const data = fc.record({
      x: value,
      y: value,
      z: value,
      count: value,
      o: fc.oneof(fc.record({ p: value, q: value, count: value }), value),
    });
    const outcome = (r: ReturnType<typeof evaluateExpression>) => (r.ok ? { value: r.value } : { error: r.error.code });
    let compared = 0;
    let interpreterFailed = 0;
    let exponents = 0;
    let limits = 0;
    let builtinNames = 0;
    let escapes = 0;
    fc.assert(
      fc.property(expr, data, (source, d) => {
        const want = evaluateExpression(source, d);
        // The engine's path (fast where it can, else the interpreter) gives the same answer,
        // error included, on everything generated. One known exception is left for issue 13:
        // feelin throws on ordering null against a boolean ("unsupported range: false..null")
        // where FEEL (and the fast path) say null. Counted below, not compared.
        const engine = outcome(compileExpression(source).evaluate(d));
        if (!want.ok && want.error.code === 'EXPR_EVAL' && /unsupported range/.test(want.error.message)) {
          interpreterFailed++;
          return;
        }
        expect(engine, source).toEqual(outcome(want));
        if (!want.ok && want.error.code === 'EXPR_LIMIT') limits++;
        if (/product|count|sum|string/.test(source)) builtinNames++;
        if (source.includes('\\')) escapes++;
        const fast = compileFastFeel(source);
        if (/(^|[^\w"])\.?\d[\d.]*[eE]/.test(source)) {
          exponents++;
          expect(fast, source).toBeUndefined();
          expect(checkExpression(source).ok, source).toBe(false);
          return;
        }
        // The closure's contract: it runs on data already as the interpreter's copy would be
        // (compileExpression checks that first); `-0` or a 1 MiB string go to the interpreter.
        if (!fast || !want.ok) return;
        const checked = checkExpression(source);
        if (!checked.ok || !isCleanFeelData(d, checked.names, DEFAULT_EXPRESSION_LIMITS)) return;
        const got = fast(d);
        if (got === FALLBACK) return;
        compared++;
        expect(got, source).toEqual(want.value);
      }),
      { seed: SEED, numRuns: 3000 },
    );
    expect(compared).toBeGreaterThan(800);
    expect(exponents).toBeGreaterThan(50);
    expect(limits).toBeGreaterThan(50);
    expect(builtinNames).toBeGreaterThan(300);
    expect(escapes).toBeGreaterThan(300);
    expect(interpreterFailed).toBeLessThan(compared / 10);
  });
});

describe('compileExpression', () => {
  it('reports forbidden names through the full checker instead of reading them', async () => {
    const { compileExpression } = await import('./compile-expression.ts');
    const e = compileExpression('process = null');
    expect(e.fast).toBe(false);
    expect(e.condition({})).toMatchObject({ ok: false, error: { code: 'EXPR_FORBIDDEN' } });
    const ok = compileExpression('amount > 10');
    expect(ok.fast).toBe(true);
    expect(ok.condition({ amount: 11 })).toEqual({ ok: true, value: true, warnings: [] });
    expect(ok.condition({})).toMatchObject({ ok: true, value: false });
  });
});
