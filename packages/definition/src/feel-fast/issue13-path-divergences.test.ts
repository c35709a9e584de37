import { describe, expect, it } from 'vitest';
import { checkExpression } from '../expression/check-expression.ts';
import { evaluateCondition, evaluateExpression } from '../expression/evaluate-expression.ts';
import { validateDefinition } from '../validate-definition.ts';
import type { ProcessDefinition } from '../types.ts';
import { compileExpression } from './compile-expression.ts';

// Issue 13: the compiled fast path and the guarded interpreter gave different answers for the
// same condition and data, so one gateway could route a deal two ways. There is now one
// evaluator (feel-compile.ts) behind every path; each case below still runs on every path.

/** The value (or error code) of `source` over `data` on each path. */
function onEveryPath(source: string, data: Record<string, unknown>) {
  const show = (r: ReturnType<typeof evaluateExpression>) => (r.ok ? { value: r.value } : { error: r.error.code });
  return {
    interpreter: show(evaluateExpression(source, data)),
    compiled: show(compileExpression(source).evaluate(data)),
  };
}

describe('issue 13: one answer on every FEEL path', () => {
  it.each(['product', 'count', 'sum', 'min', 'string', 'abs'])(
    'a missing field named like the built-in %s is null on every path',
    (name) => {
      const source = `${name} = null`;
      expect(onEveryPath(source, {})).toEqual({
        interpreter: { value: true },
        compiled: { value: true },
      });
      expect(evaluateCondition(source, {})).toMatchObject({ ok: true, value: true });
      expect(compileExpression(source).condition({})).toMatchObject({ ok: true, value: true });
      // The interpreter says why: the field is missing.
      const r = evaluateExpression(source, {});
      expect(r.ok && r.warnings.map((w) => w.code)).toEqual(['NO_VARIABLE_FOUND']);
      // And a present field is read as data.
      expect(onEveryPath(source, { [name]: 3 })).toEqual({
        interpreter: { value: false },
        compiled: { value: false },
      });
    },
  );

  it('a name the expression also calls keeps the built-in; present as data, the call is null', () => {
    expect(evaluateExpression('count([1, 2]) = 2', {})).toMatchObject({ ok: true, value: true });
    expect(onEveryPath('not = null and not(false)', {})).toEqual({
      interpreter: { value: true },
      compiled: { value: true },
    });
    expect(onEveryPath('not = 1 and not(false)', { not: 1 })).toEqual({
      interpreter: { value: null },
      compiled: { value: null },
    });
  });

  it('the checker and the validator flag an undeclared field that shadows a built-in', () => {
    const checked = checkExpression('product = null', { knownFields: new Set(['amount']) });
    expect(checked.ok && checked.unknown).toEqual(['product']);
    expect(checked.ok && checked.issues[0]?.message).toMatch(/also a built-in function.*product\(/);
    const definition: ProcessDefinition = {
      schemaVersion: 1,
      key: 'k',
      name: { en: 'K' },
      data: { type: 'object', properties: { amount: { type: 'number' } } },
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'g', type: 'exclusiveGateway' },
        { id: 'end', type: 'end' },
      ],
      edges: [
        { id: 'e1', from: 'start', to: 'g' },
        { id: 'e2', from: 'g', to: 'end', condition: 'product = null' },
        { id: 'e3', from: 'g', to: 'end', default: true },
      ],
    };
    const issue = validateDefinition(definition).issues.find((i) => i.code === 'DEF_UNKNOWN_FIELD');
    expect(issue?.path).toBe('/edges/1/condition');
    expect(issue?.message).toMatch(/"product" is also a FEEL built-in function.*call it: product\(\.\.\.\)/);
  });

  it.each<[string, string]>([
    ['"\\u0041"', 'A'],
    ['"\\U000041"', 'A'],
    ['"\\U01F40E"', '\u{1F40E}'],
    ['"\\uD83D\\uDCA9"', '\u{1F4A9}'],
    // Exactly four digits after \u: the fifth is a character (feelin read U+0E9E).
    ['"\\u00e9e"', '\u00e9e'],
    ['"a\\\'b"', "a'b"],
    ['"\\"\\\\\\n\\r\\t"', '"\\\n\r\t'],
    // Any other backslash stays, so regular expressions read as written.
    ['"\\d+"', '\\d+'],
  ])('the string literal %s is the standard value on every path', (source, value) => {
    expect(onEveryPath(source, {})).toEqual({ interpreter: { value }, compiled: { value } });
  });

  it.each(['"\\U0041"', '"\\u41"', '"\\u"', '"\\U110000"', 'x = "\\U0041"'])(
    'the escape in %s is not FEEL: a syntax error with a hint on every path',
    (source) => {
      expect(onEveryPath(source, { x: 'A' })).toEqual({
        interpreter: { error: 'EXPR_SYNTAX' },
        compiled: { error: 'EXPR_SYNTAX' },
      });
      const checked = checkExpression(source);
      expect(!checked.ok && checked.error.message).toMatch(/Invalid escape .* hex digits|code points end/);
    },
  );

  it('the compiled path reads data exactly as the interpreter copies it (getters, hidden keys, Dates)', () => {
    let invoked = 0;
    const withGetter = Object.defineProperty({}, 'amount', { enumerable: true, get: () => ++invoked });
    const hidden = Object.defineProperty({}, 'amount', { enumerable: false, value: 5 });
    const nestedHidden = { deal: Object.defineProperty({}, 'amount', { enumerable: false, value: 5 }) };
    for (const [source, data] of [
      ['amount = null', withGetter],
      ['amount = null', hidden],
      ['deal.amount = null', nestedHidden],
      ['signed = "2026-01-02T00:00:00.000Z"', { signed: new Date('2026-01-02T00:00:00Z') }],
    ] as const) {
      // The same value (the compiled path adds no warnings).
      expect(evaluateExpression(source, data), source).toMatchObject({ ok: true, value: true });
      expect(compileExpression(source).evaluate(data), source).toMatchObject({ ok: true, value: true });
    }
    expect(invoked).toBe(0);
  });

  it('there is no negative zero on any path (found by the differential test)', () => {
    for (const source of ['0 / -1', 'x * -1', '-(x) * 1']) {
      const paths = onEveryPath(source, { x: 0 });
      expect(paths).toEqual({ interpreter: { value: 0 }, compiled: { value: 0 } });
      expect(Object.is((paths.compiled as { value: number }).value, 0), source).toBe(true);
    }
  });

  it.each<[string, Record<string, unknown>]>([
    ['note = "a"', { note: 'x'.repeat(1_100_000) }],
    ['deal.note = "a"', { deal: { note: 'x'.repeat(1_100_000) } }],
    [
      'deal.a = 1',
      { deal: Array.from({ length: 1 }, () => ({ a: 1, list: Array.from({ length: 100_001 }, () => 0) }))[0] },
    ],
    ['deep = null', { deep: JSON.parse(`${'{"v":'.repeat(40)}1${'}'.repeat(40)}`) as unknown }],
  ])('%s over data beyond the limits is a limit error on every evaluating path', (source, data) => {
    expect(evaluateExpression(source, data)).toMatchObject({ ok: false, error: { code: 'EXPR_LIMIT' } });
    expect(compileExpression(source).evaluate(data)).toMatchObject({ ok: false, error: { code: 'EXPR_LIMIT' } });
    expect(compileExpression(source).condition(data)).toMatchObject({ ok: false, error: { code: 'EXPR_LIMIT' } });
  });
});
